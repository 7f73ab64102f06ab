#include "capture/frame_parsers.h"

#include <catch2/catch.hpp>
#include <cstdio>

namespace tinyprep {
namespace {

std::string be_frame(int w, int h, int seed) {
  std::string s;
  for (int i = 0; i < w * h; ++i) {
    uint16_t v = static_cast<uint16_t>(seed * 1000 + i * 7);
    s += static_cast<char>(v >> 8);
    s += static_cast<char>(v & 0xff);
  }
  return s;
}

uint16_t pixel(int seed, int i) {
  return static_cast<uint16_t>(seed * 1000 + i * 7);
}

void feed(StreamParser& p, const std::string& bytes, size_t chunk, double t = 0) {
  for (size_t i = 0; i < bytes.size(); i += chunk)
    p.feed(std::string_view(bytes).substr(i, chunk), t);
}

}  // namespace

TEST_CASE("ov767x-raw: big-endian RGB565 frames back to back, split anywhere") {
  for (size_t chunk : {1, 3, 100, 4096}) {
    RawFrameParser p(4, 3, "", 0.25);
    feed(p,
         "OV7675 ready\r\n" + be_frame(4, 3, 1) + be_frame(4, 3, 2) +
             be_frame(4, 3, 3).substr(0, 10),
         chunk);
    p.finish(StreamEnd::kVanished);
    REQUIRE(p.samples().size() == 2);
    const auto& f = std::get<FrameSample>(p.samples()[1]);
    CHECK(f.width == 4);
    CHECK(f.height == 3);
    CHECK(f.rgb565[0] == pixel(2, 0));
    CHECK(f.rgb565[11] == pixel(2, 11));
    CHECK(p.counts().stray_lines == 1);
    CHECK(p.counts().partial == 1);
  }
}

TEST_CASE("ov767x-raw: a pause ends a partial frame; the stream resynchronises") {
  RawFrameParser p(4, 3, "live\r", 0.25);
  CHECK(p.take_request() == "live\r");
  p.feed(be_frame(4, 3, 1).substr(0, 9), 0.0);
  p.idle(0.1);  // shorter than the gap: the frame goes on
  p.feed(be_frame(4, 3, 1).substr(9), 0.12);
  REQUIRE(p.samples().size() == 1);
  p.feed(be_frame(4, 3, 2).substr(0, 5), 0.5);
  p.idle(0.8);
  CHECK(p.counts().partial == 1);
  p.feed("debug: frame dropped\n", 1.0);  // text after the pause is skipped
  p.feed(be_frame(4, 3, 3), 1.0);
  REQUIRE(p.samples().size() == 2);
  CHECK(std::get<FrameSample>(p.samples()[1]).rgb565[5] == pixel(3, 5));
  CHECK(p.counts().stray_lines == 1);
}

std::string hex_frame(int w, int h, int seed, bool prefixed, bool swap) {
  std::string s;
  char buf[16];
  for (int i = 0; i < w * h; ++i) {
    uint16_t v = pixel(seed, i);
    if (swap) v = static_cast<uint16_t>(v >> 8 | v << 8);
    std::snprintf(buf, sizeof buf, prefixed ? "0x%04X, " : "%04X", v);
    s += buf;
  }
  return s;
}

TEST_CASE("ov767x-hex: ask with 'c', read 4 hex digits a pixel, skip the text") {
  HexFrameParser p(4, 3, "c", true, 1.0);
  CHECK(p.take_request() == "c");
  std::string stream =
      "OV767X Camera Capture\r\n\r\nSend the 'c' character to read a frame ...\r\n" +
      hex_frame(4, 3, 1, false, true);
  feed(p, stream, 5, 0.1);
  REQUIRE(p.samples().size() == 1);
  CHECK(p.take_request() == "c");
  CHECK(std::get<FrameSample>(p.samples()[0]).rgb565[7] == pixel(1, 7));
  CHECK(p.counts().stray_lines == 2);
  feed(p, "Reading frame\r\n" + hex_frame(4, 3, 2, true, true), 3, 0.2);
  REQUIRE(p.samples().size() == 2);
  CHECK(std::get<FrameSample>(p.samples()[1]).rgb565[11] == pixel(2, 11));
  CHECK(p.counts().stray_lines == 3);
}

TEST_CASE("ov767x-hex: big-endian printing, a dropped partial frame, asking again") {
  HexFrameParser p(4, 3, "c", false, 1.0, 5.0);
  p.take_request();
  p.idle(0.0);
  p.feed(hex_frame(4, 3, 1, false, false).substr(0, 20), 0.5);
  p.idle(1.0);
  CHECK(p.counts().partial == 0);
  p.idle(1.6);
  CHECK(p.counts().partial == 1);
  CHECK(p.take_request() == "c");
  p.feed(hex_frame(4, 3, 2, false, false), 2.0);
  REQUIRE(p.samples().size() == 1);
  CHECK(std::get<FrameSample>(p.samples()[0]).rgb565[3] == pixel(2, 3));
  CHECK(p.take_request() == "c");
  p.idle(6.0);
  CHECK(p.take_request().empty());
  p.idle(7.1);  // 5 s without an answer: ask again
  CHECK(p.take_request() == "c");
}

TEST_CASE("pcm: little-endian int16 clips, odd reads, the partial clip dropped") {
  std::string bytes;
  for (int i = 0; i < 25; ++i) {
    int16_t v = static_cast<int16_t>(i * 1000 - 12000);
    bytes += static_cast<char>(v & 0xff);
    bytes += static_cast<char>((v >> 8) & 0xff);
  }
  for (size_t chunk : {1, 3, 7, 64}) {
    PcmParser p(8000, 1, 1.25, 0);  // 10 samples a clip
    feed(p, bytes, chunk);
    p.finish(StreamEnd::kEndOfInput);
    REQUIRE(p.samples().size() == 2);
    const auto& clip = std::get<AudioSample>(p.samples()[1]);
    CHECK(clip.sample_rate == 8000);
    CHECK(clip.pcm.size() == 10);
    CHECK(clip.pcm[0] == 10 * 1000 - 12000);
    CHECK(clip.pcm[9] == 19 * 1000 - 12000);
    CHECK(p.counts().partial == 1);
  }
}

TEST_CASE("pcm: stereo clips hold whole frames") {
  PcmParser p(4, 2, 1000, 0);
  std::string bytes(4 * 2 * 2, '\x01');
  p.feed(bytes, 0);
  REQUIRE(p.samples().size() == 1);
  CHECK(std::get<AudioSample>(p.samples()[0]).frames() == 4);
}

}  // namespace tinyprep
