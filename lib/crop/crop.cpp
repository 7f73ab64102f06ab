#include "crop/crop.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <unordered_map>

#include "array/npy.h"
#include "core/diag.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/io.h"
#include "core/parallel.h"
#include "core/parse.h"
#include "core/progress.h"
#include "core/signals.h"
#include "core/staged_file.h"
#include "crop/boxes.h"
#include "manifest/dataset.h"
#include "manifest/manifest.h"

namespace tinyprep {
namespace fs = std::filesystem;

void parse_crop_size(const std::string& text, CropSpec& spec) {
  parse_size(text, "--size", &spec.width, &spec.height, "96x96");
}

CropMode parse_crop_mode(const std::string& text) {
  if (text == "squash") return CropMode::kSquash;
  if (text == "fit-shortest") return CropMode::kFitShortest;
  if (text == "fit-longest") return CropMode::kFitLongest;
  throw usage_error("--mode must be squash, fit-shortest or fit-longest, not '" + text + "'");
}

double parse_box_pad(const std::string& text) {
  std::string t = text;
  if (!t.empty() && t.back() == '%') t.pop_back();
  double pad = parse_number<double>(t, "--box-pad");
  if (pad < 0 || pad > 1000) throw usage_error("--box-pad must be 0% to 1000%, not '" + text + "'");
  return pad / 100;
}

namespace {

constexpr long kChunk = 1024;  // lines in memory at once
constexpr const char* kIndex = "index.jsonl";

// A worker of --shard K/N keeps its own index (index.shard-K-of-N.jsonl), since workers writing
// into one OUTDIR at once would replace each other's index.jsonl.
std::string index_name(const Shard& shard) {
  if (shard.whole()) return kIndex;
  return "index.shard-" + std::to_string(shard.index) + "-of-" + std::to_string(shard.count) +
         ".jsonl";
}

bool is_shard_index(const std::string& name) {
  return name.starts_with("index.shard-") && name.ends_with(".jsonl");
}

// A line without a string id goes to worker 0, which reports it.
bool takes_line(const Shard& shard, const Json& line) {
  auto id = line.find("id");
  if (id == line.end() || !id->is_string()) return shard.index == 0;
  return shard.takes(id->get_ref<const std::string&>());
}

// A final name crop writes into OUTDIR (for remove_stale_temps).
bool crop_output_name(const std::string& name, const void*) {
  auto ends = [&](std::string_view tail) { return name.ends_with(tail); };
  return name == kIndex || is_shard_index(name) || ends(".png") || ends(".npy");
}

const char* mode_name(CropMode m) {
  return m == CropMode::kSquash        ? "squash"
         : m == CropMode::kFitShortest ? "fit-shortest"
                                       : "fit-longest";
}

std::string lower_extension(const std::string& path) {
  std::string e = fs::path(path).extension().string();
  for (char& c : e) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return e;
}

bool is_hex_sha256(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

// What OUTDIR/index.jsonl records of a file: the key it was made for and what it is.
struct Made {
  std::string key;  ///< sha256 of (settings, source sha256, box)
  std::string sha256;
  uintmax_t size = 0;
  int width = 0, height = 0, channels = 0;
};

struct Job {
  Sample sample;
  std::optional<LabelledBox> box;  // from the line's `box` field or --boxes
  int box_number = 0;              // 1.. for --boxes, 0 otherwise
  std::string file;                // output name in OUTDIR
  std::string media;               // `path` as written, for messages
  Made made;
  bool skipped = false;
  std::string warning;
  std::string error;
};

class Pipeline {
 public:
  explicit Pipeline(const CropOptions& o)
      : o_(o), reader_(o.input), writer_(o.output, o.force), cwd_(fs::current_path()) {
    if (!o.boxes_file.empty()) boxes_ = read_boxes(o.boxes_file);
    std::error_code ec;
    fs::create_directories(o.outdir, ec);
    if (!fs::is_directory(o.outdir, ec)) throw Error(o.outdir, 0, "cannot make the folder");
    // Held until the run ends: a second crop into the folder refuses at once, and the
    // temporaries of a killed run can be removed as nobody else's. Workers of --shard K/N lock
    // their shard only (a lock file .crop-shard-K-of-N.lock), so that they run at once; they
    // remove only their own files' temporaries, at the end, when they know their files.
    if (o.shard.whole()) {
      lock_.emplace(o.outdir, "another 'tinyprep crop' is writing into this folder");
      if (size_t n = remove_stale_temps(o.outdir, crop_output_name, nullptr))
        note(o.outdir, 0,
             "removed " + std::to_string(n) + " temporary files of an earlier, killed run");
    } else {
      lock_.emplace(o.outdir, shard_folder_lock("crop", o.shard));
    }
    prefix_ = fs::path(o.outdir).lexically_normal().generic_string();
    if (prefix_ == ".") prefix_.clear();
    if (!prefix_.empty() && prefix_.back() != '/') prefix_ += '/';
    Json settings = {{"size", {o.spec.width, o.spec.height}},
                     {"mode", mode_name(o.spec.mode)},
                     {"color", o.spec.gray ? "gray" : "rgb"},
                     {"format", o.npy ? "npy" : "png"},
                     {"box_pad", o.box_pad},
                     {"version", 2}};  // 2: JPEGs decoded reduced
    settings_ = dump_line(settings);
    load_index();
  }

  CropResult run() {
    Progress progress("crop");
    std::vector<Job> jobs;
    Sample sample;
    for (;;) {
      jobs.clear();
      while (static_cast<long>(jobs.size()) < kChunk && next(sample)) {
        ++result_.samples;
        add_jobs(sample, jobs);
      }
      if (jobs.empty()) break;
      parallel_ordered(
          static_cast<long>(jobs.size()), o_.jobs, [&](long i) { work(jobs[i]); },
          [&](long i) {
            emit(jobs[i]);
            progress.update(result_.samples);
          });
    }
    save_index();
    writer_.commit();
    if (!o_.shard.whole()) {
      auto ours = [](const std::string& name, const void* self) {
        const auto* p = static_cast<const Pipeline*>(self);
        return p->names_.count(name) > 0 || name == index_name(p->o_.shard);
      };
      if (size_t n = remove_stale_temps(o_.outdir, ours, this))
        note(o_.outdir, 0,
             "removed " + std::to_string(n) + " temporary files of an earlier, killed run");
    }
    progress.finish();
    std::string text = "wrote " + std::to_string(result_.written);
    if (result_.skipped)
      text += ", skipped " + std::to_string(result_.skipped) + " already in " + o_.outdir +
              " (same image and settings)";
    if (result_.no_box)
      text += ", left out " + std::to_string(result_.no_box) + " with no box in " + o_.boxes_file;
    if (result_.failed) text += ", " + std::to_string(result_.failed) + " failed";
    note(text);
    return result_;
  }

 private:
  bool next(Sample& sample) {
    for (;;) {
      check_interrupted();
      if (!reader_.next(sample)) return false;
      if (takes_line(o_.shard, sample.json)) return true;
    }
  }

  // On the calling thread, in input order: the line's jobs (one per box with --boxes), their
  // output names, and duplicates (two lines must not write one file).
  void add_jobs(const Sample& sample, std::vector<Job>& jobs) {
    Job job;
    job.sample = sample;
    try {
      const std::string id = sample.id();
      job.media = sample.str("path");
      if (boxes_) {
        const std::vector<LabelledBox>* list = nullptr;
        for (const std::string& key : {job.media, fs::path(job.media).filename().string()}) {
          auto it = boxes_->find(key);
          if (it != boxes_->end()) {
            list = &it->second;
            break;
          }
        }
        if (!list) {
          ++result_.no_box;
          return;
        }
        for (size_t k = 0; k < list->size(); ++k) {
          Job b = job;
          b.box = (*list)[k];
          b.box_number = static_cast<int>(k + 1);
          name(b, id + "-" + std::to_string(k + 1));
          jobs.push_back(std::move(b));
        }
        return;
      }
      if (sample.json.contains("box")) {
        const Json& b = sample.json["box"];
        if (!b.is_array() || b.size() != 4 || !b[0].is_number() || !b[1].is_number() ||
            !b[2].is_number() || !b[3].is_number())
          sample.fail("box must be [x, y, w, h] in pixels");
        job.box = LabelledBox{b[0].get<double>(), b[1].get<double>(), b[2].get<double>(),
                              b[3].get<double>(), ""};
      }
      name(job, id);
    } catch (const Error& e) {
      job.error = e.located();
    }
    jobs.push_back(std::move(job));
  }

  void name(Job& job, const std::string& id) {
    if (!job.error.empty()) return;
    check_file_name_part(id, "id", job.sample.source, job.sample.line);
    job.file = id + (o_.npy ? ".npy" : ".png");
    auto [it, fresh] = names_.emplace(job.file, job.sample.line);
    if (!fresh)
      job.sample.fail("duplicate id '" + id + "' (also on line " + std::to_string(it->second) +
                      "): its image would overwrite that one");
  }

  // The box widened by --box-pad, in whole pixels, clipped to the image (a warning); an error
  // when nothing of it is inside.
  PixelRect place_box(Job& job, int width, int height) const {
    const LabelledBox& b = *job.box;
    if (!(b.width > 0) || !(b.height > 0))
      job.sample.fail("box [" + std::to_string(b.x) + ", " + std::to_string(b.y) + ", " +
                      std::to_string(b.width) + ", " + std::to_string(b.height) + "] has no area");
    const double px = b.width * o_.box_pad, py = b.height * o_.box_pad;
    double x0 = std::floor(b.x - px), y0 = std::floor(b.y - py);
    double x1 = std::ceil(b.x + b.width + px), y1 = std::ceil(b.y + b.height + py);
    double cx0 = std::max(x0, 0.0), cy0 = std::max(y0, 0.0);
    double cx1 = std::min(x1, double(width)), cy1 = std::min(y1, double(height));
    if (cx1 <= cx0 || cy1 <= cy0)
      job.sample.fail("box is entirely outside the " + std::to_string(width) + "x" +
                      std::to_string(height) + " image " + job.media);
    if (cx0 != x0 || cy0 != y0 || cx1 != x1 || cy1 != y1)
      job.warning = job.media + ": box" +
                    (job.box_number ? " " + std::to_string(job.box_number) : "") +
                    " reaches outside the " + std::to_string(width) + "x" + std::to_string(height) +
                    " image: clipped";
    return PixelRect{int(cx0), int(cy0), int(cx1 - cx0), int(cy1 - cy0)};
  }

  Image decode(const Job& job, std::string_view bytes, const std::string& path,
               CropRequest& request) {
    const std::string ext = lower_extension(path);
    if (ext == ".rgb565" || ext == ".gray") {
      const Json& im = job.sample.json.contains("image") ? job.sample.json["image"] : Json();
      int w = im.is_object() && im.contains("width") && im["width"].is_number_integer()
                  ? im["width"].get<int>()
                  : 0;
      int h = im.is_object() && im.contains("height") && im["height"].is_number_integer()
                  ? im["height"].get<int>()
                  : 0;
      return ext == ".gray" ? gray8_to_image(bytes, w, h, path)
                            : rgb565_to_image(bytes, w, h, path);
    }
    return decode_for_crop(bytes, job.box.has_value(), request, path);
  }

  void work(Job& job) {
    if (!job.error.empty()) return;
    const Sample& s = job.sample;
    std::string path;
    try {
      check_interrupted();
      path = s.media_path().string();
      thread_local std::string buffer;
      std::string_view bytes = read_file_into(path, buffer);
      std::string sha = s.str("sha256");
      if (!is_hex_sha256(sha)) sha = sha256_hex(bytes);
      std::string box_text;
      if (job.box)
        box_text = dump_line(Json{job.box->x, job.box->y, job.box->width, job.box->height});
      job.made.key = sha256_hex(settings_ + "\n" + sha + "\n" + box_text);
      if (lookup(job)) return;
      CropRequest request{o_.spec, 1, std::nullopt};
      Image image = decode(job, bytes, path, request);
      if (job.box) {
        int w = image.info.width, h = image.info.height;
        oriented_size(request.orientation, w, h);
        request.box = place_box(job, w, h);
      }
      Image out = crop_image(image, request, path);
      std::string encoded;
      if (o_.npy) {
        std::vector<size_t> shape = {size_t(out.info.height), size_t(out.info.width),
                                     size_t(out.info.channels)};
        encoded = encode_npy(DType::kUInt8, shape, out.pixels.data());
      } else {
        encoded = encode_image(out, ".png", path);
      }
      Output file(o_.outdir + "/" + job.file, true);
      file.write(encoded);
      file.commit();
      job.made.sha256 = sha256_hex(encoded);
      job.made.size = encoded.size();
      job.made.width = out.info.width;
      job.made.height = out.info.height;
      job.made.channels = out.info.channels;
    } catch (const std::bad_alloc&) {
      job.error = s.source + ":" + std::to_string(s.line) + ": " + job.media +
                  ": out of memory while cropping it";
    } catch (const Error& e) {
      if (e.code() == ExitCode::kInterrupted) throw;
      if (!path.empty() && e.path() == path)
        job.error = s.source + ":" + std::to_string(s.line) + ": " + job.media + ": " + e.what();
      else if (e.path() == s.source)
        job.error = e.located();
      else
        job.error = s.source + ":" + std::to_string(s.line) + ": " + e.located();
    }
  }

  // True when OUTDIR holds the file made for this key, with the size it was written with.
  bool lookup(Job& job) const {
    auto it = index_.find(job.file);
    if (it == index_.end() || it->second.key != job.made.key) return false;
    std::error_code ec;
    if (fs::file_size(o_.outdir + "/" + job.file, ec) != it->second.size || ec) return false;
    job.made = it->second;
    job.skipped = true;
    return true;
  }

  void emit(Job& job) {
    Sample& s = job.sample;
    if (!job.error.empty()) {
      ++result_.failed;
      std::fprintf(stderr, "%s: %s\n", diag_program().c_str(), job.error.c_str());
      return;
    }
    if (!job.warning.empty()) s.warn(job.warning);
    if (job.skipped)
      ++result_.skipped;
    else
      ++result_.written;
    index_[job.file] = job.made;
    const std::string source_id = s.id();
    Json line;
    for (auto& [key, value] : s.json.items()) {
      if (key == "path") {
        line["path"] = rebase_path(prefix_ + job.file, cwd_, s.base);
      } else if (key == "sha256") {
        line["sha256"] = job.made.sha256;
      } else if (key == "image") {
        line["image"] = image_facts(job.made);
      } else if (key == "id" && job.box_number) {
        line["id"] = source_id + "-" + std::to_string(job.box_number);
      } else if (key == "label" && job.box_number && !job.box->label.empty()) {
        line["label"] = job.box->label;
      } else if (key == "source") {
        line["source"] = source_id;
      } else if (key == "box") {
        if (job.box) line["box"] = {job.box->x, job.box->y, job.box->width, job.box->height};
      } else {
        line[key] = value;
      }
    }
    if (!line.contains("sha256")) line["sha256"] = job.made.sha256;
    if (!line.contains("image")) line["image"] = image_facts(job.made);
    if (job.box_number && !job.box->label.empty() && !line.contains("label"))
      line["label"] = job.box->label;
    if (!line.contains("source")) line["source"] = source_id;
    if (job.box && !line.contains("box"))
      line["box"] = {job.box->x, job.box->y, job.box->width, job.box->height};
    s.json = std::move(line);
    writer_.write(s);
  }

  static Json image_facts(const Made& m) {
    return {{"width", m.width}, {"height", m.height}, {"channels", m.channels}};
  }

  // index.jsonl, then: a worker of --shard K/N its own index; a whole run the index of every
  // worker, oldest first (a newer entry for a file wins), merged into index.jsonl by
  // save_index().
  void load_index() {
    load_index_file(kIndex);
    if (!o_.shard.whole()) {
      load_index_file(index_name(o_.shard));
      return;
    }
    std::vector<std::pair<fs::file_time_type, std::string>> shards;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(o_.outdir, ec)) {
      std::string name = entry.path().filename().string();
      if (is_shard_index(name)) shards.emplace_back(entry.last_write_time(ec), name);
    }
    std::sort(shards.begin(), shards.end());
    for (const auto& [time, name] : shards) {
      load_index_file(name);
      shard_indexes_.push_back(name);
    }
  }

  void load_index_file(const std::string& name) {
    const std::string path = o_.outdir + "/" + name;
    std::error_code ec;
    if (!fs::exists(path, ec)) return;
    LineReader lines(path);
    std::string text;
    while (lines.next(text)) {
      try {
        Json j = Json::parse(text);
        Made m{j.at("key").get<std::string>(), j.at("sha256").get<std::string>(),
               j.at("size").get<uintmax_t>(),  j.at("width").get<int>(),
               j.at("height").get<int>(),      j.at("channels").get<int>()};
        index_[j.at("file").get<std::string>()] = m;
      } catch (const Json::exception&) {
        // a line we cannot read only means that file is made again
      }
    }
  }

  // A worker of --shard K/N writes the entries of its own lines only.
  void save_index() {
    std::map<std::string, const Made*> sorted;  // the same bytes for any -j
    for (const auto& [file, m] : index_)
      if (o_.shard.whole() || names_.count(file)) sorted[file] = &m;
    Output out(o_.outdir + "/" + index_name(o_.shard), true);
    for (const auto& [file, m] : sorted)
      out.write(dump_line(Json{{"file", file},
                               {"key", m->key},
                               {"sha256", m->sha256},
                               {"size", m->size},
                               {"width", m->width},
                               {"height", m->height},
                               {"channels", m->channels}}) +
                "\n");
    out.commit();
    for (const std::string& name : shard_indexes_) {  // merged into index.jsonl
      std::error_code ec;
      fs::remove(o_.outdir + "/" + name, ec);
    }
  }

  const CropOptions& o_;
  std::optional<FolderLock> lock_;  // OUTDIR's, for the whole run
  ManifestReader reader_;
  ManifestWriter writer_;
  fs::path cwd_;
  std::string prefix_;
  std::string settings_;
  std::optional<std::map<std::string, std::vector<LabelledBox>>> boxes_;
  std::unordered_map<std::string, long> names_;
  std::unordered_map<std::string, Made> index_;
  std::vector<std::string> shard_indexes_;  // workers' indexes a whole run merged
  CropResult result_;
};

}  // namespace

CropResult run_crop(const CropOptions& options) {
  return Pipeline(options).run();
}

}  // namespace tinyprep
