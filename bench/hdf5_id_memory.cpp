// bench/hdf5_id_memory.cpp: peak RSS of the HDF5 library alone while N variable-length UTF-8
// strings are appended to a chunked, extendible dataset 8,192 at a time, as export hdf5 writes
// its `id` dataset (shuffle + gzip 4, chunks of 8,192). Shows what the library's metadata cache
// (global-heap collections of the strings) adds as N grows, with and without a cap on the cache.
//
//   g++ -O2 -I/usr/include/hdf5/serial bench/hdf5_id_memory.cpp -o /tmp/hdf5_id_memory
//       -L/usr/lib/x86_64-linux-gnu/hdf5/serial -lhdf5        (one command)
//   cd /tmp && for n in 10000 100000 400000; do ./hdf5_id_memory $n 0; ./hdf5_id_memory $n 1; done
//
// Mode 0: HDF5's defaults; mode 1: the metadata cache capped at 1 MiB (H5Pset_mdc_config).
// Writes hdf5_id_memory.h5 in the current folder and removes it.
#include <hdf5.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: hdf5_id_memory N MODE (0 defaults, 1 cache capped)\n");
    return 2;
  }
  const long n = std::atol(argv[1]);
  const int mode = std::atoi(argv[2]);
  const char* name = "hdf5_id_memory.h5";
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  if (mode == 1) {
    H5AC_cache_config_t c{};
    c.version = H5AC__CURR_CACHE_CONFIG_VERSION;
    H5Pget_mdc_config(fapl, &c);
    c.set_initial_size = 1;
    c.initial_size = 1 << 20;
    c.min_size = 1 << 20;
    c.max_size = 1 << 20;
    H5Pset_mdc_config(fapl, &c);
  }
  hid_t file = H5Fcreate(name, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  hid_t str = H5Tcopy(H5T_C_S1);
  H5Tset_size(str, H5T_VARIABLE);
  H5Tset_cset(str, H5T_CSET_UTF8);
  hsize_t dims[1] = {0}, maxdims[1] = {H5S_UNLIMITED}, chunk[1] = {8192};
  hid_t space = H5Screate_simple(1, dims, maxdims);
  hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_chunk(dcpl, 1, chunk);
  H5Pset_shuffle(dcpl);
  H5Pset_deflate(dcpl, 4);
  hid_t d = H5Dcreate2(file, "id", str, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  std::vector<std::string> ids;
  std::vector<const char*> pointers;
  for (long done = 0; done < n;) {
    const long k = std::min<long>(8192, n - done);
    ids.clear();
    pointers.clear();
    for (long i = done; i < done + k; ++i)  // ids like the memory benchmark's
      ids.push_back("l" + std::to_string(i % 10) + "-c" + std::to_string(i % 10000) + "-" +
                    std::to_string(i / 10000));
    for (const auto& s : ids) pointers.push_back(s.c_str());
    hsize_t size[1] = {hsize_t(done + k)}, start[1] = {hsize_t(done)}, count[1] = {hsize_t(k)};
    H5Dset_extent(d, size);
    hid_t file_space = H5Dget_space(d);
    H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, count, nullptr);
    hid_t mem_space = H5Screate_simple(1, count, nullptr);
    H5Dwrite(d, str, mem_space, file_space, H5P_DEFAULT, pointers.data());
    H5Sclose(mem_space);
    H5Sclose(file_space);
    done += k;
  }
  size_t max_size = 0, min_clean = 0, used = 0;
  int entries = 0;
  H5Fget_mdc_size(file, &max_size, &min_clean, &used, &entries);
  H5Dclose(d);
  H5Pclose(dcpl);
  H5Sclose(space);
  H5Tclose(str);
  H5Fclose(file);
  H5Pclose(fapl);
  std::remove(name);
  rusage r{};
  getrusage(RUSAGE_SELF, &r);
  std::printf(
      "%ld strings, mode %d: peak RSS %ld KiB; metadata cache: max %zu KiB, %zu KiB in %d "
      "entries\n",
      n, mode, r.ru_maxrss, max_size >> 10, used >> 10, entries);
}
