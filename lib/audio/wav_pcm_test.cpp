#include "audio/wav_pcm.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/io.h"

namespace tinyprep {
namespace fs = std::filesystem;
namespace {

void same_as_libsndfile(const std::string& path) {
  std::string buffer;
  std::string_view bytes = read_file_into(path, buffer);
  CHECK(bytes == read_file(path));
  AudioClip fast;
  REQUIRE(decode_wav_pcm16(bytes, fast));
  AudioClip ref = read_audio(path);
  CHECK(fast.info.sample_rate == ref.info.sample_rate);
  CHECK(fast.info.channels == ref.info.channels);
  CHECK(fast.info.frames == ref.info.frames);
  CHECK(fast.info.format == ref.info.format);
  CHECK(fast.samples == ref.samples);  // bit for bit
  AudioInfo probed = probe_audio(path), parsed;
  std::string_view samples;
  REQUIRE(parse_wav_pcm16(bytes, parsed, samples));
  CHECK(parsed.sample_rate == probed.sample_rate);
  CHECK(parsed.channels == probed.channels);
  CHECK(parsed.frames == probed.frames);
  CHECK(parsed.format == probed.format);
  CHECK(parsed.is_float == probed.is_float);
  CHECK(samples.size() == static_cast<size_t>(probed.frames * probed.channels * 2));
}

}  // namespace

TEST_CASE("the PCM16 WAV fast path decodes exactly what libsndfile does", "[wav]") {
  const std::string data = TINYPREP_TEST_DATA;
  for (const char* name :
       {"kws_tflm/yes_1000ms.wav", "kws_tflm/no_30ms.wav", "kws_tflm/silence_1000ms.wav"})
    same_as_libsndfile(data + "/" + name);
  int n = 0;
  for (const auto& e : fs::directory_iterator(data + "/fsdd"))
    if (e.path().extension() == ".wav" && n++ < 40) same_as_libsndfile(e.path().string());
  // Stereo, and every int16 value.
  char tmpl[] = "/tmp/tinyprep-wav-XXXXXX";
  const fs::path dir = mkdtemp(tmpl);
  std::vector<int16_t> all(65536 * 2);
  for (int i = 0; i < 65536; ++i) all[2 * i] = all[2 * i + 1] = static_cast<int16_t>(i - 32768);
  write_wav16((dir / "stereo.wav").string(), all.data(), 65536, 2, 44100);
  same_as_libsndfile((dir / "stereo.wav").string());
  fs::remove_all(dir);
}

TEST_CASE("anything unusual is left to libsndfile", "[wav]") {
  std::string buffer(100000, 'x');  // larger than the file: only the bytes read count
  const std::string bytes(
      read_file_into(std::string(TINYPREP_TEST_DATA) + "/kws_tflm/yes_30ms.wav", buffer));
  CHECK(bytes.size() == 1004);
  AudioClip clip;
  CHECK(decode_wav_pcm16(bytes, clip));
  CHECK(!decode_wav_pcm16(bytes.substr(0, bytes.size() - 1), clip));  // truncated data
  CHECK(!decode_wav_pcm16(bytes.substr(0, 30), clip));                // no data chunk
  CHECK(!decode_wav_pcm16("", clip));
  CHECK(!decode_wav_pcm16("hello, I am not audio at all", clip));
  std::string rifx = bytes;
  rifx[3] = 'X';
  CHECK(!decode_wav_pcm16(rifx, clip));
  std::string eight_bit = bytes;
  eight_bit[34] = 8;  // bits per sample in the canonical 44-byte header
  CHECK(!decode_wav_pcm16(eight_bit, clip));
  std::string unknown_length = bytes;
  for (int i = 40; i < 44; ++i) unknown_length[i] = '\xff';
  CHECK(!decode_wav_pcm16(unknown_length, clip));
  CHECK_THROWS_WITH(read_file_into("/nonexistent/x.wav", buffer),
                    Catch::Contains("cannot open: No such file or directory"));
}

TEST_CASE("one verdict: the fast path takes only what libsndfile reads the same way", "[wav]") {
  std::string buffer;
  const std::string wav(
      read_file_into(std::string(TINYPREP_TEST_DATA) + "/kws_tflm/yes_30ms.wav", buffer));
  const std::string header = wav.substr(0, 36), data = wav.substr(36);  // canonical 44 bytes
  auto chunk = [](const std::string& id, const std::string& body) {
    const uint32_t n = static_cast<uint32_t>(body.size());
    std::string c = id;
    for (int i = 0; i < 4; ++i) c += static_cast<char>(n >> (8 * i) & 0xFF);
    return c + body + (n & 1 ? std::string(1, '\0') : "");
  };
  const std::string second_data = wav + chunk("data", std::string(64, '\x11'));
  const std::string zero_id = header + chunk(std::string(4, '\0'), "abcd") + data;
  const std::string junk = header + chunk("JUNK", "xyz") + data;
  AudioClip fast;
  // Both were read by the fast path and refused by libsndfile: import and features took them,
  // validate and export did not.
  for (const std::string* bytes : {&second_data, &zero_id}) {
    CHECK_FALSE(decode_wav_pcm16(*bytes, fast));
    CHECK_THROWS_AS(read_audio_bytes(*bytes, "x.wav"), Error);
  }
  // What the fast path takes, libsndfile reads to the same samples.
  for (const std::string* bytes : {&wav, &junk}) {
    REQUIRE(decode_wav_pcm16(*bytes, fast));
    AudioClip ref = read_audio_bytes(*bytes, "x.wav");
    CHECK(fast.info.frames == ref.info.frames);
    CHECK(fast.samples == ref.samples);
  }
  // A stub after the data, an odd data length: left to libsndfile.
  CHECK_FALSE(decode_wav_pcm16(wav + "abc", fast));
  CHECK_FALSE(decode_wav_pcm16(wav + "LIST", fast));
}

}  // namespace tinyprep
