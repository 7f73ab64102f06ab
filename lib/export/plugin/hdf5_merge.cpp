// The HDF5 side of `tinyprep merge` (in the plugin libtinyprep_hdf5.so): the parts' groups
// joined row after row into one file, copied or as virtual datasets.
#include <hdf5.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/signals.h"
#include "core/staged_file.h"
#include "export/hdf5_merge.h"
#include "export/plugin/hdf5_errors.h"

namespace tinyprep {
namespace {
using hdf5::check;
using hdf5::fail;

// An HDF5 handle closed at the end of its scope.
class Id {
 public:
  Id() = default;
  Id(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  Id(Id&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
  Id& operator=(Id&& o) noexcept {
    std::swap(id_, o.id_);
    std::swap(close_, o.close_);
    return *this;
  }
  ~Id() {
    if (id_ >= 0 && close_) close_(id_);
  }
  hid_t get() const { return id_; }
  hid_t release() { return std::exchange(id_, -1); }

 private:
  hid_t id_ = -1;
  herr_t (*close_)(hid_t) = nullptr;
};

// The names of the members of a group (links), in HDF5's name order.
std::vector<std::string> member_names(hid_t group, const std::string& path) {
  H5G_info_t info;
  if (H5Gget_info(group, &info) < 0) fail(path, "cannot list a group");
  std::vector<std::string> names;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    ssize_t n =
        H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    if (n < 0) fail(path, "cannot list a group");
    std::string name(static_cast<size_t>(n), '\0');
    H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size() + 1,
                       H5P_DEFAULT);
    names.push_back(name);
  }
  return names;
}

std::vector<hsize_t> dims_of(hid_t dataset) {
  Id space(H5Dget_space(dataset), H5Sclose);
  int rank = H5Sget_simple_extent_ndims(space.get());
  std::vector<hsize_t> dims(static_cast<size_t>(std::max(rank, 0)));
  if (rank > 0) H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return dims;
}

std::string shape_words(const std::vector<hsize_t>& dims) {
  std::string s = "(rows";
  for (size_t i = 1; i < dims.size(); ++i) s += ", " + std::to_string(dims[i]);
  return s + ")";
}

// One dataset of one split in one part.
struct Source {
  size_t part;
  Id dataset;
  std::vector<hsize_t> dims;
};

// Selects rows [first, first + rows) of a space of `dims`.
void select_rows(hid_t space, const std::vector<hsize_t>& dims, hsize_t first, hsize_t rows,
                 const std::string& path) {
  std::vector<hsize_t> start(dims.size(), 0), count(dims);
  start[0] = first;
  count[0] = rows;
  check(H5Sselect_hyperslab(space, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
        path, "selection");
}

void copy_attributes(hid_t from, hid_t to, const std::string& path, const std::string& replace,
                     const std::string& replacement) {
  H5O_info_t info;
  if (H5Oget_info2(from, &info, H5O_INFO_NUM_ATTRS) < 0) fail(path, "cannot read attributes");
  for (hsize_t i = 0; i < info.num_attrs; ++i) {
    Id a(check(H5Aopen_by_idx(from, ".", H5_INDEX_NAME, H5_ITER_INC, i, H5P_DEFAULT, H5P_DEFAULT),
               path, "cannot open an attribute"),
         H5Aclose);
    if (a.get() < 0) continue;
    ssize_t n = H5Aget_name(a.get(), 0, nullptr);
    std::string name(static_cast<size_t>(std::max<ssize_t>(n, 0)), '\0');
    H5Aget_name(a.get(), name.size() + 1, name.data());
    Id type(H5Aget_type(a.get()), H5Tclose);
    Id space(H5Aget_space(a.get()), H5Sclose);
    Id out(check(H5Acreate2(to, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
                 path, "cannot create an attribute"),
           H5Aclose);
    if (name == replace) {
      const char* v = replacement.c_str();
      check(H5Awrite(out.get(), type.get(), &v), path, "cannot write an attribute");
      continue;
    }
    hssize_t points = H5Sget_simple_extent_npoints(space.get());
    std::vector<char> buffer(H5Tget_size(type.get()) *
                             static_cast<size_t>(std::max<hssize_t>(points, 1)));
    check(H5Aread(a.get(), type.get(), buffer.data()), path, "cannot read an attribute");
    herr_t written = H5Awrite(out.get(), type.get(), buffer.data());
    if (H5Tdetect_class(type.get(), H5T_VLEN) > 0 || H5Tis_variable_str(type.get()) > 0)
      H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, buffer.data());
    check(written, path, "cannot write an attribute");
  }
}

// Rows copied at once: about 16 MiB of them.
hsize_t block_rows(hid_t mem_type, const std::vector<hsize_t>& dims) {
  size_t row = H5Tget_size(mem_type);
  for (size_t i = 1; i < dims.size(); ++i) row *= dims[i];
  return std::max<hsize_t>(1, (16u << 20) / std::max<size_t>(row, 1));
}

void merge(const Hdf5MergeRequest& r) {
  const std::string& out = r.out;
  std::error_code ec;
  if (std::filesystem::exists(out, ec) && !r.force && !is_stream_file(out))
    throw Error(out, 0, "already exists (use --force to replace it)");
  H5dont_atexit();
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  std::vector<Id> parts;
  for (const auto& p : r.parts)
    parts.emplace_back(
        check(H5Fopen(p.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), p, "cannot open the part"),
        H5Fclose);
  // Splits in name order (as HDF5 lists them), each with the parts that have it.
  std::map<std::string, std::vector<size_t>> splits;
  for (size_t i = 0; i < parts.size(); ++i)
    for (const auto& name : member_names(parts[i].get(), r.parts[i]))
      if (H5Oexists_by_name(parts[i].get(), name.c_str(), H5P_DEFAULT) > 0) {
        H5O_info_t oi;
        if (H5Oget_info_by_name2(parts[i].get(), name.c_str(), &oi, H5O_INFO_BASIC, H5P_DEFAULT) >=
                0 &&
            oi.type == H5O_TYPE_GROUP)
          splits[name].push_back(i);
      }

  auto staged = std::make_unique<StagedFile>(out, StagedFileOptions{.create = false});
  Id file(check(H5Fcreate(staged->temp_path().c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
                out, "cannot create the file"),
          H5Fclose);
  for (const auto& [split, have] : splits) {
    size_t first = have.front();
    Id ref_group(check(H5Gopen2(parts[first].get(), split.c_str(), H5P_DEFAULT), r.parts[first],
                       "cannot open a group"),
                 H5Gclose);
    std::vector<std::string> names = member_names(ref_group.get(), r.parts[first]);
    Id group(check(H5Gcreate2(file.get(), split.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                   out, "cannot create a group"),
             H5Gclose);
    for (const auto& name : names) {
      check_interrupted();
      std::string where = "/" + split + "/" + name;
      // The same dataset in every part that has the split: same type and row shape.
      std::vector<Source> sources;
      Id type;
      hsize_t total = 0;
      for (size_t i : have) {
        Id g(check(H5Gopen2(parts[i].get(), split.c_str(), H5P_DEFAULT), r.parts[i],
                   "cannot open a group"),
             H5Gclose);
        if (H5Lexists(g.get(), name.c_str(), H5P_DEFAULT) <= 0)
          throw Error(
              r.parts[i], 0,
              "has no " + where + " but " + r.parts[first] + " has: not parts of one export");
        Source s{i,
                 Id(check(H5Dopen2(g.get(), name.c_str(), H5P_DEFAULT), r.parts[i],
                          "cannot open a dataset"),
                    H5Dclose),
                 {}};
        s.dims = dims_of(s.dataset.get());
        Id t(H5Dget_type(s.dataset.get()), H5Tclose);
        if (sources.empty()) {
          type = std::move(t);
        } else {
          const auto& d0 = sources.front().dims;
          bool same_rows = s.dims.size() == d0.size() &&
                           std::equal(s.dims.begin() + 1, s.dims.end(), d0.begin() + 1);
          if (H5Tequal(t.get(), type.get()) <= 0 || !same_rows || s.dims.empty())
            throw Error(r.parts[i], 0,
                        where + " " + shape_words(s.dims) + " differs from " + r.parts[first] +
                            "'s " + shape_words(d0) + " (or its type): not parts of one export");
        }
        if (s.dims.empty()) throw Error(r.parts[i], 0, where + " is a scalar, not rows");
        total += s.dims[0];
        sources.push_back(std::move(s));
      }
      std::vector<hsize_t> dims = sources.front().dims;
      dims[0] = total;
      Id space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
      if (r.virtual_dataset) {
        Id dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
        hsize_t row = 0;
        for (const auto& s : sources) {
          if (!s.dims[0]) continue;
          Id vspace(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                    H5Sclose);
          select_rows(vspace.get(), dims, row, s.dims[0], out);
          Id src(H5Screate_simple(static_cast<int>(s.dims.size()), s.dims.data(), nullptr),
                 H5Sclose);
          check(H5Pset_virtual(dcpl.get(), vspace.get(), r.sources[s.part].c_str(), where.c_str(),
                               src.get()),
                out, "cannot map a virtual dataset");
          row += s.dims[0];
        }
        Id d(check(H5Dcreate2(group.get(), name.c_str(), type.get(), space.get(), H5P_DEFAULT,
                              dcpl.get(), H5P_DEFAULT),
                   out, "cannot create a virtual dataset"),
             H5Dclose);
        continue;
      }
      // A copy, chunked and filtered as the parts are, extendible as an export's datasets are.
      Id dcpl(H5Dget_create_plist(sources.front().dataset.get()), H5Pclose);
      std::vector<hsize_t> maxdims(dims);
      maxdims[0] = H5S_UNLIMITED;
      if (H5Pget_layout(dcpl.get()) != H5D_CHUNKED) {
        // Contiguous or compact parts: a fixed-size copy.
        dcpl = Id(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
        maxdims = dims;
      }
      space = Id(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), maxdims.data()),
                 H5Sclose);
      Id d(check(H5Dcreate2(group.get(), name.c_str(), type.get(), space.get(), H5P_DEFAULT,
                            dcpl.get(), H5P_DEFAULT),
                 out, "cannot create a dataset"),
           H5Dclose);
      Id mem_type(H5Tget_native_type(type.get(), H5T_DIR_ASCEND), H5Tclose);
      bool vlen = H5Tdetect_class(type.get(), H5T_VLEN) > 0 || H5Tis_variable_str(type.get()) > 0;
      hsize_t block = block_rows(mem_type.get(), dims);
      size_t row_bytes = H5Tget_size(mem_type.get());
      for (size_t i = 1; i < dims.size(); ++i) row_bytes *= dims[i];
      std::vector<char> buffer;
      hsize_t at = 0;
      for (const auto& s : sources) {
        for (hsize_t done = 0; done < s.dims[0];) {
          check_interrupted();
          hsize_t n = std::min(block, s.dims[0] - done);
          std::vector<hsize_t> count(s.dims);
          count[0] = n;
          Id mem(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr), H5Sclose);
          Id from(H5Dget_space(s.dataset.get()), H5Sclose);
          select_rows(from.get(), s.dims, done, n, r.parts[s.part]);
          buffer.resize(std::max<size_t>(1, n * row_bytes));
          check(H5Dread(s.dataset.get(), mem_type.get(), mem.get(), from.get(), H5P_DEFAULT,
                        buffer.data()),
                r.parts[s.part], "cannot read");
          Id to(H5Dget_space(d.get()), H5Sclose);
          select_rows(to.get(), dims, at + done, n, out);
          herr_t w =
              H5Dwrite(d.get(), mem_type.get(), mem.get(), to.get(), H5P_DEFAULT, buffer.data());
          if (vlen) H5Dvlen_reclaim(mem_type.get(), mem.get(), H5P_DEFAULT, buffer.data());
          check(w, out, "cannot write");
          done += n;
        }
        at += s.dims[0];
      }
    }
  }
  copy_attributes(parts.front().get(), file.get(), out, "tinyprep_json", r.tinyprep_json);
  if (H5Fclose(file.release()) < 0) fail(out, "cannot close the file");
  parts.clear();
  staged->close();
  staged->commit();
}

}  // namespace
}  // namespace tinyprep

extern "C" __attribute__((visibility("default"))) void tinyprep_hdf5_merge_v1(
    const tinyprep::Hdf5MergeRequest& request) {
  tinyprep::merge(request);
}
