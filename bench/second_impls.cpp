// The second, hand-written implementations kept for speed (issue 11, item 5), each against the
// library (or the plain path) it stands beside, on its own stage and on realistic input. Built
// and run by bench/second_impls.sh, which makes the input (1,000 FSDD-derived clips through
// `tinyprep import` and `tinyprep features`), see bench/README.md, "Second implementations".
//
//   second_impls deflate FEATS.jsonl   HDF5 chunk compression (shuffle + deflate level 4) of the
//                                      log-mels, chunked as export hdf5 chunks them (1 MiB)
//   second_impls json LINES.jsonl...   one manifest line of text -> nlohmann::ordered_json
//   second_impls wav CLIPS.list        PCM16 WAV bytes in memory -> float samples
// (The in-memory path of export, measured by `second_impls keep` at commit d4d6b66, is gone.)
//
// Timing: every alternative runs over the whole input once per round, in an order that
// alternates between rounds; each round gives one ratio per alternative (its time over the
// kept implementation's, both measured in the same round in this thread's CPU time), and the
// median over the rounds is printed with the median times. Every alternative's result is
// checked against the kept one's. `--rounds N` (default 15); `--once` runs one round without
// warm-up (for callgrind).
#include <libdeflate.h>
#include <simdjson.h>
#include <time.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "array/npy.h"
#include "audio/audio_file.h"
#include "audio/wav_pcm.h"
#include "codec/chunk_codec.h"
#include "core/error.h"
#include "manifest/fast_json.h"
#include "manifest/manifest.h"

using namespace tinyprep;
using Json = nlohmann::ordered_json;

namespace {

int g_rounds = 15;
bool g_once = false;

double cpu_now() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + ts.tv_nsec * 1e-9;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct Alternative {
  std::string name;
  std::function<void()> run;
};

// Runs the alternatives (the first is the kept implementation) in alternating order; prints
// each one's median time per `unit` and its median ratio to the first.
void compare(const std::string& stage, const std::vector<Alternative>& alts, double units,
             const char* unit) {
  const size_t n = alts.size();
  std::vector<std::vector<double>> times(n), ratios(n);
  if (!g_once)
    for (const auto& a : alts) a.run();  // warm-up
  const int rounds = g_once ? 1 : g_rounds;
  for (int r = 0; r < rounds; ++r) {
    std::vector<double> t(n);
    for (size_t k = 0; k < n; ++k) {
      const size_t i = r % 2 ? n - 1 - k : k;
      const double start = cpu_now();
      alts[i].run();
      t[i] = cpu_now() - start;
    }
    for (size_t i = 0; i < n; ++i) {
      times[i].push_back(t[i]);
      ratios[i].push_back(t[i] / t[0]);
    }
  }
  std::printf("%s (%d rounds, thread CPU time, medians)\n", stage.c_str(), rounds);
  for (size_t i = 0; i < n; ++i)
    std::printf("  %-58s %10.2f %s  x%.2f of the first\n", alts[i].name.c_str(),
                median(times[i]) / units * 1e6, unit, median(ratios[i]));
  std::fflush(stdout);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path, 0, "cannot open");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) lines.push_back(l);
  return lines;
}

std::string folder_of(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

// ---------------------------------------------------------------------------------------------
// HDF5 chunk compression.

std::string inflate_all(const std::string& z, size_t size) {
  std::string out(size, '\0');
  uLongf n = size;
  if (uncompress(reinterpret_cast<Bytef*>(out.data()), &n, reinterpret_cast<const Bytef*>(z.data()),
                 z.size()) != Z_OK ||
      n != size)
    throw Error("a compressed chunk does not inflate back");
  return out;
}

// The same plane choice as shuffle_deflate_zlib, with zlib's own strategies where tinyprep has
// its block writer: level 0 (stored blocks) for a plane deflate cannot shrink, Z_HUFFMAN_ONLY
// (a Huffman code per block of 4,096 literals with memLevel 6, or stored when smaller) for a
// plane whose gain is in its byte frequencies, Z_RLE for the zero padding of a last chunk;
// then libdeflate at `level` for the first plane with matches and all after it. One zlib
// stream, as HDF5's deflate filter reads it.
std::string shuffle_deflate_zlib_strategies(std::string_view data, size_t element, int level,
                                            int mem_level) {
  const std::string shuffled = shuffle_bytes(data, element);
  const size_t plane_size = element > 1 ? data.size() / element : 0;
  std::string out(shuffled.size() + shuffled.size() / 500 + 1024, '\0');
  out.replace(0, 2, zlib_header(level));
  z_stream z{};
  if (deflateInit2(&z, 0, Z_DEFLATED, -15, mem_level, Z_DEFAULT_STRATEGY) != Z_OK)
    throw Error("deflateInit2");
  z.next_out = reinterpret_cast<Bytef*>(out.data() + 2);
  z.avail_out = static_cast<uInt>(out.size() - 2);
  size_t done = 0;
  auto feed = [&](std::string_view part, int zlevel, int strategy) {
    if (part.empty()) return;
    if (deflateParams(&z, zlevel, strategy) != Z_OK) throw Error("deflateParams");
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(part.data()));
    z.avail_in = static_cast<uInt>(part.size());
    if (deflate(&z, Z_NO_FLUSH) != Z_OK || z.avail_in) throw Error("deflate");
  };
  for (size_t k = 0; plane_size && k < element; ++k) {
    std::string_view plane = std::string_view(shuffled).substr(done, plane_size);
    const auto [body, zeros] = split_plane(plane);
    PlaneCoding how = plane_coding(body);
    if (how == PlaneCoding::kMatches) break;
    feed(body, how == PlaneCoding::kStored ? 0 : 1,
         how == PlaneCoding::kStored ? Z_DEFAULT_STRATEGY : Z_HUFFMAN_ONLY);
    feed(plane.substr(body.size()), 1, Z_RLE);
    done += plane_size;
  }
  if (done == 0) {
    deflateEnd(&z);
    return deflate_zlib(shuffled, level);
  }
  std::string_view rest = std::string_view(shuffled).substr(done);
  if (deflate(&z, rest.empty() ? Z_FINISH : Z_SYNC_FLUSH) != (rest.empty() ? Z_STREAM_END : Z_OK))
    throw Error("deflate flush");
  size_t at = out.size() - z.avail_out;
  deflateEnd(&z);
  out.resize(at);
  if (!rest.empty()) {
    static thread_local libdeflate_compressor* c = libdeflate_alloc_compressor(level);
    out.resize(at + libdeflate_deflate_compress_bound(c, rest.size()));
    size_t n =
        libdeflate_deflate_compress(c, rest.data(), rest.size(), out.data() + at, out.size() - at);
    if (!n) throw Error("libdeflate");
    out.resize(at + n);
  }
  uint32_t adler = libdeflate_adler32(1, shuffled.data(), shuffled.size());
  for (int shift : {24, 16, 8, 0}) out.push_back(static_cast<char>(adler >> shift));
  return out;
}

int bench_deflate(const std::string& manifest) {
  // The features' rows in manifest order, cut into chunks of 1 MiB of whole rows as export hdf5
  // does (hdf5_chunk_rows), the last padded with zeros.
  const std::string dir = folder_of(manifest);
  std::string rows;
  size_t row_bytes = 0;
  for (const std::string& line : read_lines(manifest)) {
    Json j = Json::parse(line);
    NpyArray a = read_npy(dir + "/" + j["features"]["path"].get<std::string>());
    if (a.dtype != DType::kFloat32) throw Error("expected float32 features");
    row_bytes = a.data.size();
    rows += a.data;
  }
  const size_t chunk_rows = std::max<size_t>(1, (1u << 20) / row_bytes);
  const size_t chunk_bytes = chunk_rows * row_bytes;
  std::vector<std::string> chunks;
  for (size_t at = 0; at < rows.size(); at += chunk_bytes) {
    std::string c = rows.substr(at, chunk_bytes);
    c.resize(chunk_bytes, '\0');
    chunks.push_back(std::move(c));
  }
  std::printf("%zu chunks of %zu rows (%zu bytes each, %.1f MB of float32 log-mels)\n",
              chunks.size(), chunk_rows, chunk_bytes, rows.size() / 1e6);
  const int level = 4;
  size_t sizes[5] = {};
  std::vector<std::string> outs[5];
  auto run_with = [&](int slot, auto fn) {
    return [&, slot, fn] {
      outs[slot].clear();
      for (const auto& c : chunks) outs[slot].push_back(fn(c));
    };
  };
  std::vector<Alternative> alts = {
      {"tinyprep: plane choice + own block writer + libdeflate",
       run_with(0, [&](const std::string& c) { return shuffle_deflate_zlib(c, 4, level); })},
      {"plane choice + zlib strategies (memLevel 6) + libdeflate",
       run_with(
           1,
           [&](const std::string& c) { return shuffle_deflate_zlib_strategies(c, 4, level, 6); })},
      {"plane choice + zlib strategies (memLevel 8) + libdeflate",
       run_with(
           2,
           [&](const std::string& c) { return shuffle_deflate_zlib_strategies(c, 4, level, 8); })},
      {"shuffle + libdeflate level 4 on the whole chunk",
       run_with(3, [&](const std::string& c) { return deflate_zlib(shuffle_bytes(c, 4), level); })},
  };
  compare("HDF5 chunk compression, per chunk", alts, static_cast<double>(chunks.size()),
          "us/chunk");
  for (size_t i = 0; i < alts.size(); ++i) {
    for (size_t k = 0; k < chunks.size(); ++k) {
      if (inflate_all(outs[i][k], chunk_bytes) != shuffle_bytes(chunks[k], 4))
        throw Error(alts[i].name + ": wrong bytes after inflating");
      sizes[i] += outs[i][k].size();
    }
    std::printf("  output of %-48s %9zu bytes (%.4f of the first)\n", alts[i].name.c_str(),
                sizes[i], static_cast<double>(sizes[i]) / sizes[0]);
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Manifest lines.

Json from_simdjson(simdjson::dom::element e) {
  switch (e.type()) {
    case simdjson::dom::element_type::OBJECT: {
      Json o = Json::object();
      for (auto field : simdjson::dom::object(e))
        o[std::string(field.key)] = from_simdjson(field.value);
      return o;
    }
    case simdjson::dom::element_type::ARRAY: {
      Json a = Json::array();
      for (auto v : simdjson::dom::array(e)) a.push_back(from_simdjson(v));
      return a;
    }
    case simdjson::dom::element_type::STRING:
      return Json(std::string(std::string_view(e)));
    case simdjson::dom::element_type::INT64: {
      int64_t v = int64_t(e);
      return v >= 0 ? Json(static_cast<uint64_t>(v)) : Json(v);  // as nlohmann stores them
    }
    case simdjson::dom::element_type::UINT64:
      return Json(uint64_t(e));
    case simdjson::dom::element_type::DOUBLE:
      return Json(double(e));
    case simdjson::dom::element_type::BOOL:
      return Json(bool(e));
    case simdjson::dom::element_type::NULL_VALUE:
      return Json(nullptr);
  }
  return Json();
}

int bench_json(const std::vector<std::string>& files) {
  std::vector<std::string> lines;
  size_t bytes = 0;
  for (const auto& f : files)
    for (auto& l : read_lines(f)) {
      bytes += l.size();
      l.reserve(l.size() + simdjson::SIMDJSON_PADDING);  // simdjson reads past the end
      lines.push_back(std::move(l));
    }
  std::printf("%zu manifest lines, %.0f bytes on average\n", lines.size(),
              static_cast<double>(bytes) / lines.size());
  std::vector<Json> fast(lines.size()), nl(lines.size()), sj(lines.size());
  simdjson::dom::parser parser;
  size_t sink = 0;
  std::vector<Alternative> alts = {
      {"tinyprep: fast_json (nlohmann if it declines)",
       [&] {
         for (size_t i = 0; i < lines.size(); ++i)
           if (!parse_json_fast(lines[i], fast[i])) fast[i] = Json::parse(lines[i]);
       }},
      {"nlohmann::ordered_json::parse",
       [&] {
         for (size_t i = 0; i < lines.size(); ++i) nl[i] = Json::parse(lines[i]);
       }},
      {"simdjson DOM, converted to ordered_json",
       [&] {
         for (size_t i = 0; i < lines.size(); ++i)
           sj[i] = from_simdjson(parser.parse(lines[i].data(), lines[i].size(), false).value());
       }},
      {"simdjson DOM alone (no ordered_json; not a replacement)",
       [&] {
         for (size_t i = 0; i < lines.size(); ++i)
           sink += parser.parse(lines[i].data(), lines[i].size(), false).value().is_object();
       }},
  };
  compare("manifest line -> value, per line", alts, static_cast<double>(lines.size()), "us/line");
  for (size_t i = 0; i < lines.size(); ++i)
    if (fast[i] != nl[i] || sj[i] != nl[i] || fast[i].dump() != nl[i].dump() ||
        sj[i].dump() != nl[i].dump())
      throw Error("line " + std::to_string(i + 1) + ": the parsers disagree");
  std::printf("  all three give the same values (== and dump()); sink %zu\n", sink);
  return 0;
}

// ---------------------------------------------------------------------------------------------
// WAV decoding.

int bench_wav(const std::string& list) {
  std::vector<std::string> names = read_lines(list), files;
  size_t bytes = 0;
  for (const auto& n : names) {
    files.push_back(read_file(n));
    bytes += files.back().size();
  }
  std::printf("%zu WAV files, %.1f MB\n", files.size(), bytes / 1e6);
  std::vector<float> recycled;
  double sink = 0;
  // As features decodes: into the sample buffer of the clip before (no allocation).
  auto ours = [&](size_t i) {
    AudioClip clip;
    clip.samples = std::move(recycled);
    if (!decode_wav_pcm16(files[i], clip)) throw Error(names[i], 0, "not taken");
    return clip;
  };
  std::vector<Alternative> alts = {
      {"tinyprep: decode_wav_pcm16 (buffer reused, as features does)",
       [&] {
         for (size_t i = 0; i < files.size(); ++i) {
           AudioClip clip = ours(i);
           sink += clip.samples[i % clip.samples.size()];
           recycled = std::move(clip.samples);
         }
       }},
      {"libsndfile: read_audio_bytes (sf_open_virtual)",
       [&] {
         for (size_t i = 0; i < files.size(); ++i) {
           AudioClip clip = read_audio_bytes(files[i], names[i]);
           sink += clip.samples[i % clip.samples.size()];
         }
       }},
  };
  compare("PCM16 WAV bytes -> float samples, per file", alts, static_cast<double>(files.size()),
          "us/file");
  for (size_t i = 0; i < files.size(); ++i) {
    AudioClip x = ours(i), y = read_audio_bytes(files[i], names[i]);
    if (x.samples != y.samples || x.info.frames != y.info.frames ||
        x.info.format != y.info.format || x.info.sample_rate != y.info.sample_rate)
      throw Error(names[i], 0, "the decoders disagree");
  }
  std::printf("  same samples and header facts from both (sink %g)\n", sink);
  // import's probe: the header from bytes already read (for the hash), or libsndfile on the file.
  AudioInfo info;
  std::string_view samples;
  std::vector<Alternative> probe = {
      {"tinyprep: parse_wav_pcm16 on the bytes read for the hash",
       [&] {
         for (size_t i = 0; i < files.size(); ++i)
           if (!parse_wav_pcm16(files[i], info, samples)) throw Error(names[i], 0, "not taken");
       }},
      {"libsndfile: probe_audio(path) (page cache)",
       [&] {
         for (size_t i = 0; i < files.size(); ++i) info = probe_audio(names[i]);
       }},
  };
  compare("import's header probe, per file", probe, static_cast<double>(files.size()), "us/file");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  for (size_t i = 0; i < args.size();) {
    if (args[i] == "--rounds" && i + 1 < args.size()) {
      g_rounds = std::stoi(args[i + 1]);
      args.erase(args.begin() + i, args.begin() + i + 2);
    } else if (args[i] == "--once") {
      g_once = true;
      args.erase(args.begin() + i);
    } else {
      ++i;
    }
  }
  if (args.size() < 2) {
    std::fprintf(stderr, "usage: second_impls [--rounds N] [--once] deflate|json|wav FILE...\n");
    return 2;
  }
  try {
    const std::string what = args[0];
    if (what == "deflate") return bench_deflate(args[1]);
    if (what == "json") return bench_json({args.begin() + 1, args.end()});
    if (what == "wav") return bench_wav(args[1]);
    std::fprintf(stderr, "unknown stage '%s'\n", what.c_str());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "second_impls: %s\n", e.what());
    return 1;
  }
}
