#include "features/features.h"

#include <cstdio>
#include <filesystem>
#include <functional>
#include <new>
#include <optional>

#include "audio/audio_file.h"
#include "audio/condition.h"
#include "audio/wav_pcm.h"
#include "core/diag.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/io.h"
#include "core/parallel.h"
#include "core/progress.h"
#include "core/signals.h"
#include "features/feature_store.h"
#include "features/imu_features.h"
#include "imu/csv_file.h"
#include "manifest/manifest.h"

namespace tinyprep {
namespace fs = std::filesystem;
namespace {

// Lines read, computed and committed together: one syncfs per chunk, bounded memory.
constexpr long kChunk = 2048;

// What (FEATDIR / name).lexically_normal() starts with, for any plain file name: computed once,
// not per sample.
std::string featdir_prefix(const std::string& featdir) {
  std::string dir = fs::path(featdir).lexically_normal().generic_string();
  if (dir.empty() || dir == ".") return "";
  if (dir.back() != '/') dir += '/';
  return dir;
}

// Per-sample notes of one kind (resampled, downmixed) before only the summary counts them.
constexpr long kNotesPerKind = 3;

struct Job {
  Sample sample;
  std::string media;  ///< the `path` field as written, for messages
  std::string file;   ///< .npy name in the folder
  std::string sha256;
  std::vector<size_t> shape;
  std::optional<StagedFeature> staged;  ///< layout files: the .npy, waiting for its commit
  DType dtype = DType::kFloat32;        ///< layout packed: the row, written in manifest order
  std::string data;
  PackedRow packed;  ///< layout packed: where the row is (found or written)
  bool skipped = false;
  std::string error;  ///< "manifest:line: file: what" when the sample failed
  ConditionReport report;
  ImuReport imu;  ///< the IMU presets' conditioning
};

struct Tally {
  long resampled = 0, downmixed = 0, padded = 0, trimmed = 0;
};

// The rate a CSV line was recorded at (csv.rate, as capture and segment write it), 0 if unknown.
double csv_rate(const Sample& s) {
  auto csv = s.json.find("csv");
  if (csv == s.json.end() || !csv->is_object()) return 0;
  auto r = csv->find("rate");
  return r != csv->end() && r->is_number() && r->get<double>() > 0 ? r->get<double>() : 0;
}

bool is_hex_sha256(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

std::string plural(long n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

FeatureStoreOptions store_options(const FeaturesOptions& o) {
  FeatureStoreOptions s;
  s.layout = o.layout;
  s.force = o.force;
  s.shard = o.shard;
  s.part_bytes = static_cast<uint64_t>(o.part_mb * 1024 * 1024);
  if (!o.command.empty() || !o.version.empty())
    s.made_by = Json{{"command", o.command}, {"tinyprep_version", o.version}};
  return s;
}

// Whether worker K of --shard K/N takes the line: by its id; a line without one goes to worker
// 0, which reports it (once, not once per worker).
bool takes(const Shard& shard, const Sample& sample) {
  if (shard.whole()) return true;
  auto id = sample.json.find("id");
  if (id == sample.json.end() || !id->is_string()) return shard.index == 0;
  return shard.takes(id->get_ref<const std::string&>());
}

class Pipeline {
 public:
  explicit Pipeline(const FeaturesOptions& o)
      : o_(o),
        extractor_(o.config),
        reader_(o.input),
        writer_(o.output, o.force),
        store_(o.featdir, o.config, store_options(o)),
        packed_(o.layout == FeatureLayout::kPacked),
        tag_(feature_config_tag(o.config)),
        dtype_(dtype_name(extractor_.dtype())),
        cwd_(fs::current_path()),
        featdir_prefix_(featdir_prefix(o.featdir)),
        condition_{o.config.sample_rate, o.config.length_samples(), o.config.align},
        window_(extractor_.window_samples()) {
    if (int empty = extractor_.empty_mel_bands())
      warn(plural(empty, "mel band has", "mel bands have") +
           " no FFT bin (too many --n-mels for --n-fft, or --fmin/--fmax too close); they are "
           "always zero");
  }

  FeaturesResult run() {
    Progress progress("features");
    std::vector<Job> jobs;
    for (;;) {
      jobs.clear();
      Job job;
      while (static_cast<long>(jobs.size()) < kChunk && next(job.sample)) {
        if (!takes(o_.shard, job.sample)) {
          ++result_.others;
          continue;
        }
        jobs.push_back(std::move(job));
        job = Job();
      }
      if (jobs.empty()) break;
      run_chunk(jobs, progress);
      for (Job& j : jobs)
        if (j.error.empty()) writer_.write(j.sample);
    }
    store_.finish();
    result_.parts = store_.parts_written();
    writer_.commit();
    progress.finish();
    summarize();
    return result_;
  }

 private:
  // The next manifest line; Ctrl-C while waiting for it (a pipe) is an interrupt, not a read
  // error.
  bool next(Sample& sample) {
    check_interrupted();
    try {
      return reader_.next(sample);
    } catch (const Error&) {
      check_interrupted();
      throw;
    }
  }

  void run_chunk(std::vector<Job>& jobs, Progress& progress) {
    for (Job& job : jobs) prepare(job);
    parallel_ordered(
        static_cast<long>(jobs.size()), o_.jobs, [&](long i) { work(jobs[i]); },
        [&](long i) {
          emit(jobs[i]);
          progress.update(result_.samples);
        });
    if (packed_) return store_.checkpoint();
    std::vector<StagedFeature> staged;
    for (Job& job : jobs)
      if (job.staged) staged.push_back(std::move(*job.staged));
    store_.commit(staged);
  }

  // On the calling thread, in input order: names, and duplicate ids (two samples must not
  // write one file).
  void prepare(Job& job) {
    try {
      job.media = job.sample.str("path");
      job.file = FeatureStore::file_name(job.sample.id());
      if (long first = store_.first_use(job.sample.id(), job.file, job.sample.line))
        job.sample.fail("duplicate id '" + job.sample.id() + "' (also on line " +
                        std::to_string(first) + "): its features would overwrite those");
    } catch (const Error& e) {
      job.error = e.located();
    }
  }

  void work(Job& job) {
    if (!job.error.empty()) return;
    const Sample& s = job.sample;
    std::string media_path;
    try {
      check_interrupted();
      if (job.media.empty()) s.fail("line has no 'path'");
      // Resolved without looking at the disk (a stat per sample); only a file that cannot be
      // read asks media_path() why, for its better words on a path written for another folder.
      media_path = s.resolve(job.media).string();
      auto read_media = [&](std::string& buffer) {
        try {
          return read_file_into(media_path, buffer);
        } catch (const Error&) {
          s.media_path();
          throw;
        }
      };
      job.sha256 = s.str("sha256");
      thread_local std::string buffer;
      std::string_view bytes;
      if (!is_hex_sha256(job.sha256)) {
        bytes = read_media(buffer);
        job.sha256 = sha256_hex(bytes);
      }
      if (packed_) {
        if (auto row = store_.lookup_row(s.id(), job.sha256)) {
          job.skipped = true;
          job.shape = row->shape;
          job.packed = std::move(*row);
          return;
        }
      } else if (auto shape = store_.lookup(job.file, job.sha256)) {
        job.skipped = true;
        job.shape = *shape;
        return;
      }
      if (bytes.data() == nullptr) bytes = read_media(buffer);
      if (o_.config.is_imu()) {
        FeatureArray a;
        try {
          a = compute_imu_features(o_.config, parse_csv(bytes, media_path), csv_rate(s), media_path,
                                   &job.imu);
        } catch (const Error& e) {
          // A column of --axes the file lacks, an axis without a range: the same for every
          // line, so the run stops (exit 2) naming this one.
          if (e.code() == ExitCode::kUsage)
            throw Error(s.source, s.line, job.media + ": " + e.what(), ExitCode::kUsage);
          throw;
        }
        keep(job, std::move(a));
        return;
      }
      // 16-bit PCM WAV straight from the bytes; libsndfile for everything else. The sample
      // buffer of the clip before is reused: clips of one length need no allocation, nor the
      // zero-filling of a fresh vector (a fifth of decoding).
      thread_local std::vector<float> recycled;
      AudioClip clip;
      clip.samples = std::move(recycled);
      if (!decode_wav_pcm16(bytes, clip)) clip = read_audio(media_path);
      std::vector<float> y;
      try {
        y = condition(std::move(clip), condition_, &job.report);
      } catch (const Error& e) {
        if (!e.path().empty()) throw;
        throw Error(media_path, 0, e.what());  // an absurd sample rate, a resampler failure
      }
      if (extractor_.frames_for(y.size()) == 0)
        throw Error(media_path, 0,
                    "too short for one frame: " + std::to_string(y.size()) + " samples at " +
                        std::to_string(o_.config.sample_rate) + " Hz, a frame needs " +
                        std::to_string(window_) + " (--length-ms pads short clips)");
      keep(job, extractor_.compute(y.data(), y.size()));
      recycled = std::move(y);
    } catch (const std::bad_alloc&) {
      // A sample too large for memory fails alone, named like any other failure.
      job.error = s.source + ":" + std::to_string(s.line) + ": " +
                  (job.media.empty() ? media_path : job.media) +
                  ": out of memory while computing its features";
    } catch (const Error& e) {
      if (e.code() == ExitCode::kInterrupted ||
          (o_.config.is_imu() && e.code() == ExitCode::kUsage))
        throw;
      // Name the file as the manifest does, not as resolved.
      if (!media_path.empty() && e.path() == media_path)
        job.error = s.source + ":" + std::to_string(s.line) + ": " + job.media +
                    (e.line() > 0 ? ":" + std::to_string(e.line()) : std::string()) + ": " +
                    e.what();  // a CSV row's line
      else if (e.path() == s.source)
        job.error = e.located();
      else
        job.error = s.source + ":" + std::to_string(s.line) + ": " + e.located();
    }
  }

  // A computed sample's features: staged as its own .npy (files), or kept for emit() to append
  // to a part in manifest order (packed).
  void keep(Job& job, FeatureArray a) {
    job.shape = a.shape;
    if (packed_) {
      job.dtype = a.dtype;
      job.data = std::move(a.data);
    } else {
      job.staged =
          store_.stage(job.file, job.sha256, a.shape, encode_npy(a.dtype, a.shape, a.data.data()));
    }
  }

  void emit(Job& job) {
    ++result_.samples;
    if (!job.error.empty()) {
      ++result_.failed;
      std::fprintf(stderr, "%s: %s\n", diag_program().c_str(), job.error.c_str());
      return;
    }
    if (job.skipped) {
      ++result_.skipped;
    } else {
      ++result_.computed;
      if (o_.config.is_imu())
        diagnose_imu(job);
      else
        diagnose(job);
    }
    if (packed_ && !job.skipped) {
      job.packed = store_.add_row(job.sample.id(), job.sha256, job.dtype, job.shape, job.data);
      std::string().swap(job.data);
    }
    std::string path = rebase_path(featdir_prefix_ + (packed_ ? job.packed.part : job.file), cwd_,
                                   job.sample.base);
    Json& f = job.sample.json["features"];
    f = Json::object();
    f["path"] = path;
    if (packed_) f["row"] = job.packed.row;
    f["shape"] = job.shape;
    f["dtype"] = dtype_;
    f["config"] = tag_;
  }

  void diagnose(const Job& job) {
    const ConditionReport& r = job.report;
    const Sample& s = job.sample;
    if (r.resampled && ++tally_.resampled <= kNotesPerKind)
      note(s.source, s.line,
           job.media + ": " + std::to_string(r.source_rate) + " Hz resampled to " +
               std::to_string(o_.config.sample_rate) + " Hz");
    if (r.downmixed && ++tally_.downmixed <= kNotesPerKind)
      note(s.source, s.line,
           job.media + ": " + std::to_string(r.source_channels) + " channels downmixed to mono");
    const int64_t length = condition_.length;
    if (length > 0 && r.fitted_from < length) ++tally_.padded;
    if (length > 0 && r.fitted_from > length) ++tally_.trimmed;
    // Only a clip kept at its own length (--length-ms 0) enters the extractor shorter than a
    // frame; one padded to --length-ms is counted above and said once in the summary, unless it
    // had no samples at all.
    if (length <= 0 && r.fitted_from < static_cast<int64_t>(window_))
      s.warn(job.media + ": " +
             (r.fitted_from == 0 ? std::string("empty clip")
                                 : "only " + plural(r.fitted_from, "sample", "samples")) +
             ", less than one " + std::to_string(window_) + "-sample frame: padded with silence");
    else if (length > 0 && r.fitted_from == 0) {
      char ms[32];
      std::snprintf(ms, sizeof ms, "%g ms", o_.config.length_ms);
      s.warn(job.media + ": empty clip, no samples: padded with silence to " + ms);
    }
  }

  void diagnose_imu(const Job& job) {
    const ImuReport& r = job.imu;
    if (r.resampled && ++tally_.resampled <= kNotesPerKind) {
      char text[64];
      std::snprintf(text, sizeof text, "%g Hz resampled to %d Hz", r.source_rate,
                    o_.config.sample_rate);
      note(job.sample.source, job.sample.line, job.media + ": " + text);
    }
    const size_t rows = static_cast<size_t>(o_.config.imu.rows);
    if (rows > 0 && r.fitted_from < rows) ++tally_.padded;
    if (rows > 0 && r.fitted_from > rows) ++tally_.trimmed;
  }

  void summarize_imu() {
    const auto& t = tally_;
    const std::string rows = std::to_string(o_.config.imu.rows) + " rows";
    if (t.resampled)
      note("resampled " + plural(t.resampled, "table", "tables") + " to " +
           std::to_string(o_.config.sample_rate) + " Hz (linear interpolation)");
    if (t.padded) note("padded " + plural(t.padded, "table", "tables") + " shorter than " + rows);
    if (t.trimmed)
      note("trimmed " + plural(t.trimmed, "table", "tables") + " longer than " + rows +
           " (kept the first)");
  }

  void summarize() {
    const FeaturesResult& r = result_;
    std::string text = "computed " + std::to_string(r.computed);
    if (r.skipped)
      text += ", skipped " + std::to_string(r.skipped) + " already in " + o_.featdir +
              " (same sha256 and config)";
    if (r.failed) text += ", " + std::to_string(r.failed) + " failed";
    if (packed_ && r.parts) text += "; wrote " + plural(r.parts, "part", "parts");
    if (!o_.shard.whole())
      text += "; worker " + o_.shard.text() + " left " + std::to_string(r.others) +
              " lines to the others";
    note(text + " [" + tag_ + "]");
    if (o_.config.is_imu()) return summarize_imu();
    const auto& t = tally_;
    std::string rate = std::to_string(o_.config.sample_rate) + " Hz";
    if (t.resampled) note("resampled " + plural(t.resampled, "clip", "clips") + " to " + rate);
    if (t.downmixed) note("downmixed " + plural(t.downmixed, "clip", "clips") + " to mono");
    char ms[32];
    std::snprintf(ms, sizeof ms, "%g ms", o_.config.length_ms);
    if (t.padded) note("padded " + plural(t.padded, "clip", "clips") + " shorter than " + ms);
    if (t.trimmed)
      note("trimmed " + plural(t.trimmed, "clip", "clips") + " longer than " + ms + " (--align " +
           align_name(o_.config.align) + ")");
  }

  const FeaturesOptions& o_;
  FeatureExtractor extractor_;
  // Input and output first: a missing manifest or an existing -O fails before FEATDIR is made.
  ManifestReader reader_;
  ManifestWriter writer_;
  FeatureStore store_;
  bool packed_;
  std::string tag_;
  const char* dtype_;
  fs::path cwd_;
  std::string featdir_prefix_;  // FEATDIR normalised, with a trailing '/' ("" for ".")
  ConditionOptions condition_;
  size_t window_;
  FeaturesResult result_;
  Tally tally_;
};

}  // namespace

FeaturesResult run_features(const FeaturesOptions& options) {
  return Pipeline(options).run();
}

}  // namespace tinyprep
