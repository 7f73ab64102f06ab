// The HDF5 plugin (libtinyprep_hdf5.so): Hdf5Writer through HDF5's C API. It calls the
// tinyprep binary's own functions (Error, StagedFile, the chunk codec), see core/plugin.h.
#include <hdf5.h>

#include <filesystem>

#include "codec/chunk_codec.h"
#include "core/error.h"
#include "core/ordered_jobs.h"
#include "core/staged_file.h"
#include "export/hdf5_writer.h"
#include "export/plugin/hdf5_errors.h"

namespace tinyprep {
namespace {

static_assert(sizeof(hid_t) == sizeof(int64_t), "hid_t is stored as int64_t");

using hdf5::check;
using hdf5::fail;

// The metadata cache's fixed size (see the constructor).
constexpr size_t kMetadataCacheBytes = 256 << 10;

// Closes an HDF5 handle at the end of a scope.
struct Handle {
  hid_t id;
  herr_t (*close)(hid_t);
  ~Handle() {
    if (id >= 0) close(id);
  }
};

hid_t file_type(DType dtype) {
  switch (dtype) {
    case DType::kFloat32:
      return H5T_IEEE_F32LE;
    case DType::kInt8:
      return H5T_STD_I8LE;
    case DType::kUInt8:
      return H5T_STD_U8LE;
    case DType::kInt16:
      return H5T_STD_I16LE;
    case DType::kUInt16:
      return H5T_STD_U16LE;
    case DType::kInt32:
      return H5T_STD_I32LE;
    case DType::kInt64:
      return H5T_STD_I64LE;
  }
  return H5T_STD_U8LE;
}

// A variable-length UTF-8 string type (what h5py makes of str).
hid_t utf8_string_type() {
  hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, H5T_VARIABLE);
  H5Tset_cset(t, H5T_CSET_UTF8);
  return t;
}

}  // namespace

class Hdf5FileWriter final : public Hdf5Writer {
 public:
  Hdf5FileWriter(const std::string& path, Hdf5Options options, bool force);
  ~Hdf5FileWriter() override;
  Hdf5FileWriter(const Hdf5FileWriter&) = delete;
  Hdf5FileWriter& operator=(const Hdf5FileWriter&) = delete;

  void append(const std::string& split, DType dtype, const std::vector<size_t>& shape,
              const void* data, int64_t label, std::string_view id) override;
  void append_encoded(const std::string& split, std::string_view bytes, int64_t label,
                      std::string_view id) override;
  void set_attributes(std::vector<std::string> label_names, std::string feature_config_json,
                      std::string version, std::string command, std::string tinyprep_json) override;
  void close() override;
  void publish() override;
  std::map<std::string, uint64_t> split_counts() const override;
  const std::string& path() const override { return staged_->final_path(); }

 private:
  struct Split;
  Split& split(const std::string& name, DType dtype, const std::vector<size_t>& shape,
               bool encoded = false);
  struct Chunk;
  void flush_x(Split& s);
  void write_chunk(Chunk& c);
  // Buffers of written chunks, handed to the next ones (only on the caller's thread).
  std::string spare(std::vector<std::string>& pool);
  std::vector<std::string> spare_raw_, spare_out_, spare_scratch_;
  void flush_labels(Split& s);
  void close_handles();

  Hdf5Options options_;
  std::unique_ptr<StagedFile> staged_;
  int64_t file_ = -1;
  std::map<std::string, std::unique_ptr<Split>> splits_;
  OrderedJobs<Chunk> chunks_;  // x chunks being compressed, in submission order
  std::vector<std::string> label_names_;
  std::string feature_config_, version_, command_, tinyprep_json_;
};

struct Hdf5FileWriter::Split {
  std::string name;
  DType dtype;
  std::vector<size_t> shape;
  size_t row_bytes = 0;
  size_t chunk_rows = 1;
  hid_t group = -1, x = -1, y = -1, id = -1;
  uint64_t x_rows = 0, label_rows = 0;  // rows already in the file (or handed to HDF5)
  uint64_t x_extent = 0;                // rows the x dataset's extent covers
  uint64_t x_chunks = 0;                // x chunks submitted
  std::string x_buffer;
  size_t x_buffered = 0;
  std::vector<int64_t> y_buffer;
  std::vector<std::string> id_buffer;
  bool encoded = false;              // x rows are variable-length encoded files
  std::vector<std::string> x_blobs;  // encoded rows not yet written
};

struct Hdf5FileWriter::Chunk {
  Split* split;
  uint64_t first_row;
  size_t rows;
  std::string bytes;         // shuffled and deflated
  std::string raw, scratch;  // the rows as given, and shuffled: kept for the next chunks
};

std::string Hdf5FileWriter::spare(std::vector<std::string>& pool) {
  if (pool.empty()) return {};
  std::string b = std::move(pool.back());
  pool.pop_back();
  b.clear();
  return b;
}

Hdf5FileWriter::Hdf5FileWriter(const std::string& path, Hdf5Options options, bool force)
    : options_(options), chunks_(options.threads) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec) && !force && !is_stream_file(path))
    throw Error(path, 0, "already exists (use --force to replace it)");
  staged_ = std::make_unique<StagedFile>(path, StagedFileOptions{.create = false});
  // No library shutdown at exit: after a failed write (a full disk) H5Fclose fails and leaves
  // the file open, and closing it again at exit crashed (SIGSEGV in H5F__close_cb). The
  // temporary file is removed by staged_ anyway. (Only effective before the first H5 call.)
  H5dont_atexit();
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors become exceptions, not stderr noise
  // Peak memory that grew with the lines (issue 16). HDF5's free lists keep freed blocks for
  // reuse, without limit by default: 64 KiB in all per kind and 16 KiB per list bound them
  // (0.8 MiB less at 100,000 lines).
  H5set_free_list_limits(64 << 10, 16 << 10, 64 << 10, 16 << 10, 64 << 10, 16 << 10);
  // The metadata cache at a fixed 256 KiB: by default it grows to 2 MiB and more, filled with
  // the global-heap collections of the variable-length ids. Metadata is written once and not
  // read back, so a smaller cache wrote no slower (measured at 64 KiB to 1 MiB; below 256 KiB
  // no less memory).
  Handle fapl{H5Pcreate(H5P_FILE_ACCESS), H5Pclose};
  H5AC_cache_config_t cache{};
  cache.version = H5AC__CURR_CACHE_CONFIG_VERSION;
  check(H5Pget_mdc_config(fapl.id, &cache), path, "metadata cache settings");
  cache.set_initial_size = true;
  cache.initial_size = kMetadataCacheBytes;
  cache.min_size = kMetadataCacheBytes;
  cache.max_size = kMetadataCacheBytes;
  check(H5Pset_mdc_config(fapl.id, &cache), path, "metadata cache settings");
  file_ = H5Fcreate(staged_->temp_path().c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.id);
  check(file_, path, "cannot create the file");
}

Hdf5FileWriter::~Hdf5FileWriter() {
  close_handles();
}

void Hdf5FileWriter::close_handles() {
  for (auto& [name, s] : splits_) {
    for (hid_t* h : {&s->x, &s->y, &s->id})
      if (*h >= 0) H5Dclose(*h), *h = -1;
    if (s->group >= 0) H5Gclose(s->group), s->group = -1;
  }
  if (file_ >= 0) H5Fclose(file_), file_ = -1;
}

Hdf5FileWriter::Split& Hdf5FileWriter::split(const std::string& name, DType dtype,
                                             const std::vector<size_t>& shape, bool encoded) {
  auto it = splits_.find(name);
  if (it != splits_.end()) {
    Split& s = *it->second;
    if (s.encoded != encoded)
      throw Error(path(), 0, "split '" + name + "' cannot mix encoded images and arrays");
    if (s.dtype != dtype || s.shape != shape)
      throw Error(path(), 0,
                  "split '" + name + "' holds " + dtype_name(s.dtype) + " " + shape_text(s.shape) +
                      " arrays; cannot append " + dtype_name(dtype) + " " + shape_text(shape));
    return s;
  }
  auto s = std::make_unique<Split>();
  s->name = name;
  s->dtype = dtype;
  s->shape = shape;
  s->row_bytes = element_count(shape) * dtype_size(dtype);
  s->chunk_rows = hdf5_chunk_rows(s->row_bytes, options_);
  const std::string& p = path();
  s->group = check(H5Gcreate2(file_, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), p,
                   "cannot create a group");

  auto make = [&](const char* dname, hid_t type, std::vector<hsize_t> row_dims, hsize_t rows) {
    std::vector<hsize_t> dims{0}, maxdims{H5S_UNLIMITED}, chunk{rows};
    for (hsize_t d : row_dims) dims.push_back(d), maxdims.push_back(d), chunk.push_back(d);
    // HDF5 refuses zero-sized chunk dimensions; an empty row shape keeps chunks of one.
    for (auto& c : chunk) c = std::max<hsize_t>(c, 1);
    Handle space{H5Screate_simple(static_cast<int>(dims.size()), dims.data(), maxdims.data()),
                 H5Sclose};
    Handle dcpl{H5Pcreate(H5P_DATASET_CREATE), H5Pclose};
    check(H5Pset_chunk(dcpl.id, static_cast<int>(chunk.size()), chunk.data()), p, "chunking");
    if (options_.gzip) {
      check(H5Pset_shuffle(dcpl.id), p, "shuffle filter");
      check(H5Pset_deflate(dcpl.id, static_cast<unsigned>(options_.gzip_level)), p, "gzip filter");
    }
    // No chunk cache: rows are written a whole chunk at a time (only a split's last chunk is
    // partial), so the cache (1 MiB per dataset by default) only held written chunks.
    Handle dapl{H5Pcreate(H5P_DATASET_ACCESS), H5Pclose};
    check(
        H5Pset_chunk_cache(dapl.id, H5D_CHUNK_CACHE_NSLOTS_DEFAULT, 0, H5D_CHUNK_CACHE_W0_DEFAULT),
        p, "chunk cache");
    return check(H5Dcreate2(s->group, dname, type, space.id, H5P_DEFAULT, dcpl.id, dapl.id), p,
                 "cannot create a dataset");
  };
  std::vector<hsize_t> row(shape.begin(), shape.end());
  s->encoded = encoded;
  if (encoded) {
    s->chunk_rows = options_.label_chunk_rows;
    Handle bytes{H5Tvlen_create(H5T_STD_U8LE), H5Tclose};
    s->x = make("x", bytes.id, {}, s->chunk_rows);
  } else {
    s->x = make("x", file_type(dtype), row, s->chunk_rows);
  }
  s->y = make("y", H5T_STD_I64LE, {}, options_.label_chunk_rows);
  Handle str{utf8_string_type(), H5Tclose};
  s->id = make("id", str.id, {}, options_.label_chunk_rows);
  s->x_buffer.reserve(s->chunk_rows * s->row_bytes);
  Split& ref = *s;
  splits_.emplace(name, std::move(s));
  return ref;
}

void Hdf5FileWriter::append(const std::string& split_name, DType dtype,
                            const std::vector<size_t>& shape, const void* data, int64_t label,
                            std::string_view id) {
  Split& s = split(split_name, dtype, shape);
  s.x_buffer.append(static_cast<const char*>(data), s.row_bytes);
  if (++s.x_buffered == s.chunk_rows) flush_x(s);
  s.y_buffer.push_back(label);
  s.id_buffer.emplace_back(id);
  if (s.y_buffer.size() == options_.label_chunk_rows) flush_labels(s);
}

namespace {
// Appends `rows` rows from `data` to the extendible dataset `d` that holds `done` rows.
void append_rows(const std::string& path, hid_t d, hid_t mem_type, uint64_t done, size_t rows,
                 const std::vector<size_t>& row_shape, const void* data) {
  std::vector<hsize_t> size{done + rows}, start{done}, count{rows};
  for (size_t n : row_shape) size.push_back(n), start.push_back(0), count.push_back(n);
  check(H5Dset_extent(d, size.data()), path, "cannot extend a dataset");
  Handle file_space{H5Dget_space(d), H5Sclose};
  check(H5Sselect_hyperslab(file_space.id, H5S_SELECT_SET, start.data(), nullptr, count.data(),
                            nullptr),
        path, "selection");
  Handle mem_space{H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr),
                   H5Sclose};
  check(H5Dwrite(d, mem_type, mem_space.id, file_space.id, H5P_DEFAULT, data), path,
        "cannot write");
}
}  // namespace

void Hdf5FileWriter::write_chunk(Chunk& c) {
  const std::string& bytes = c.bytes;
  Split& s = *c.split;
  const std::string& p = path();
  uint64_t end = c.first_row + c.rows;
  if (end > s.x_extent) {
    std::vector<hsize_t> size{end};
    for (size_t n : s.shape) size.push_back(n);
    check(H5Dset_extent(s.x, size.data()), p, "cannot extend a dataset");
    s.x_extent = end;
  }
  std::vector<hsize_t> offset(s.shape.size() + 1, 0);
  offset[0] = c.first_row;
  check(H5Dwrite_chunk(s.x, H5P_DEFAULT, 0, offset.data(), bytes.size(), bytes.data()), p,
        "cannot write a chunk");
  spare_out_.push_back(std::move(c.bytes));
  spare_raw_.push_back(std::move(c.raw));
  spare_scratch_.push_back(std::move(c.scratch));
}

void Hdf5FileWriter::append_encoded(const std::string& split_name, std::string_view bytes,
                                    int64_t label, std::string_view id) {
  Split& s = split(split_name, DType::kUInt8, {}, true);
  s.x_blobs.emplace_back(bytes);
  if (++s.x_buffered == s.chunk_rows) flush_x(s);
  s.y_buffer.push_back(label);
  s.id_buffer.emplace_back(id);
  if (s.y_buffer.size() == options_.label_chunk_rows) flush_labels(s);
}

void Hdf5FileWriter::flush_x(Split& s) {
  if (!s.x_buffered) return;
  if (s.encoded) {
    std::vector<hvl_t> rows(s.x_blobs.size());
    for (size_t i = 0; i < rows.size(); ++i) rows[i] = {s.x_blobs[i].size(), s.x_blobs[i].data()};
    Handle bytes{H5Tvlen_create(H5T_NATIVE_UINT8), H5Tclose};
    append_rows(path(), s.x, bytes.id, s.x_rows, rows.size(), {}, rows.data());
    s.x_rows += rows.size();
    s.x_buffered = 0;
    s.x_blobs.clear();
    return;
  }
  if (options_.gzip && s.row_bytes) {
    // A chunk is always whole in the file: pad the last one with zeros beyond the extent.
    size_t rows = s.x_buffered;
    std::string chunk = std::move(s.x_buffer);
    chunk.resize(s.chunk_rows * s.row_bytes, '\0');
    size_t element = dtype_size(s.dtype);
    int level = options_.gzip_level;
    chunks_.submit(
        [c = Chunk{&s, s.x_chunks * s.chunk_rows, rows, spare(spare_out_), std::move(chunk),
                   spare(spare_scratch_)},
         element, level]() mutable {
          shuffle_deflate_zlib_into(c.raw, element, level, c.bytes, c.scratch);
          return std::move(c);
        },
        [&](Chunk c) { write_chunk(c); });
    ++s.x_chunks;
    s.x_rows += rows;
    s.x_buffered = 0;
    s.x_buffer = spare(spare_raw_);
    s.x_buffer.reserve(s.chunk_rows * s.row_bytes);
    return;
  }
  append_rows(path(), s.x, file_type(s.dtype), s.x_rows, s.x_buffered, s.shape, s.x_buffer.data());
  s.x_rows += s.x_buffered;
  s.x_buffered = 0;
  s.x_buffer.clear();
}

void Hdf5FileWriter::flush_labels(Split& s) {
  size_t n = s.y_buffer.size();
  if (!n) return;
  append_rows(path(), s.y, H5T_NATIVE_INT64, s.label_rows, n, {}, s.y_buffer.data());
  std::vector<const char*> ids(n);
  for (size_t i = 0; i < n; ++i) ids[i] = s.id_buffer[i].c_str();
  Handle str{utf8_string_type(), H5Tclose};
  append_rows(path(), s.id, str.id, s.label_rows, n, {}, ids.data());
  s.label_rows += n;
  s.y_buffer.clear();
  s.id_buffer.clear();
}

void Hdf5FileWriter::set_attributes(std::vector<std::string> label_names,
                                    std::string feature_config_json, std::string version,
                                    std::string command, std::string tinyprep_json) {
  tinyprep_json_ = std::move(tinyprep_json);
  label_names_ = std::move(label_names);
  feature_config_ = std::move(feature_config_json);
  version_ = std::move(version);
  command_ = std::move(command);
}

void Hdf5FileWriter::close() {
  if (file_ < 0) return;
  const std::string& p = path();
  for (auto& [name, s] : splits_) {
    flush_x(*s);
    flush_labels(*s);
  }
  chunks_.drain([&](Chunk c) { write_chunk(c); });
  Handle str{utf8_string_type(), H5Tclose};
  auto scalar = [&](const char* name, const std::string& value) {
    Handle space{H5Screate(H5S_SCALAR), H5Sclose};
    Handle a{check(H5Acreate2(file_, name, str.id, space.id, H5P_DEFAULT, H5P_DEFAULT), p,
                   "cannot create an attribute"),
             H5Aclose};
    const char* v = value.c_str();
    check(H5Awrite(a.id, str.id, &v), p, "cannot write an attribute");
  };
  hsize_t n = label_names_.size();
  Handle space{H5Screate_simple(1, &n, nullptr), H5Sclose};
  Handle labels{check(H5Acreate2(file_, "label_names", str.id, space.id, H5P_DEFAULT, H5P_DEFAULT),
                      p, "cannot create an attribute"),
                H5Aclose};
  std::vector<const char*> names;
  for (const auto& l : label_names_) names.push_back(l.c_str());
  if (n) check(H5Awrite(labels.id, str.id, names.data()), p, "cannot write an attribute");
  scalar("feature_config", feature_config_);
  scalar("tinyprep_version", version_);
  scalar("command", command_);
  scalar("tinyprep_json", tinyprep_json_);
  for (auto& [name, s] : splits_) {
    for (hid_t* h : {&s->x, &s->y, &s->id}) {
      if (H5Dclose(*h) < 0) fail(p, "cannot close a dataset");
      *h = -1;
    }
    H5Gclose(s->group);
    s->group = -1;
  }
  hid_t f = file_;
  file_ = -1;
  if (H5Fclose(f) < 0) fail(p, "cannot close the file");
  staged_->close();
}

void Hdf5FileWriter::publish() {
  close();  // staged_->close() syncs what HDF5 wrote through its own descriptor
  staged_->commit();
}

std::map<std::string, uint64_t> Hdf5FileWriter::split_counts() const {
  std::map<std::string, uint64_t> counts;
  for (const auto& [name, s] : splits_) counts[name] = s->label_rows + s->y_buffer.size();
  return counts;
}

}  // namespace tinyprep

extern "C" __attribute__((visibility("default"))) tinyprep::Hdf5Writer*
tinyprep_hdf5_writer_open_v2(const std::string& path, const tinyprep::Hdf5Options& options,
                             bool force) {
  return new tinyprep::Hdf5FileWriter(path, options, force);
}

extern "C" __attribute__((visibility("default"))) bool tinyprep_hdf5_read_root_attribute_v1(
    const std::string& path, const std::string& name, std::string& out) {
  H5dont_atexit();
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) {
    out = "not an HDF5 file";
    return false;
  }
  bool ok = false;
  if (H5Aexists(file, name.c_str()) > 0) {
    hid_t a = H5Aopen(file, name.c_str(), H5P_DEFAULT);
    hid_t type = a >= 0 ? H5Aget_type(a) : -1;
    if (type >= 0 && H5Tget_class(type) == H5T_STRING && H5Tis_variable_str(type) > 0) {
      hid_t mem = H5Tcopy(H5T_C_S1);
      H5Tset_size(mem, H5T_VARIABLE);
      H5Tset_cset(mem, H5T_CSET_UTF8);
      char* value = nullptr;
      if (H5Aread(a, mem, &value) >= 0 && value) {
        out = value;
        ok = true;
        H5free_memory(value);
      }
      H5Tclose(mem);
    }
    if (type >= 0) H5Tclose(type);
    if (a >= 0) H5Aclose(a);
  }
  H5Fclose(file);
  if (!ok) out = "has no string attribute '" + name + "' (not written by this tinyprep's export)";
  return ok;
}
