#pragma once
// HDF5's shuffle and deflate filters done by tinyprep itself, so chunks can be compressed on
// several threads and handed to HDF5 ready-made (H5Dwrite_chunk): the bytes are exactly what
// the filters would store, and any HDF5 reader undoes them.
#include <cstddef>
#include <string>
#include <string_view>

namespace tinyprep {

/// HDF5's shuffle filter: byte k of every element, for k = 0 .. element_size-1 in turn; a tail
/// shorter than one element is copied as it is.
std::string shuffle_bytes(std::string_view data, size_t element_size);

/// HDF5's deflate filter: a zlib stream (RFC 1950) at `level`; libdeflate when built with it,
/// else zlib. Throws Error on failure.
std::string deflate_zlib(std::string_view data, int level);

/// HDF5's shuffle then deflate filters in one go: the zlib stream of shuffle_bytes(data).
/// Leading byte planes that deflate cannot shrink (the low mantissa bytes of float features
/// are noise) go into stored blocks instead of through the match finder, which spends most of
/// its time failing on them; the rest is deflated at `level`. Any inflater reads the result.
/// With libdeflate; a zlib build deflates every plane.
std::string shuffle_deflate_zlib(std::string_view data, size_t element_size, int level);

/// One gzip member (RFC 1952) holding `data` compressed at `level`; libdeflate when built with
/// it, else zlib. Throws Error on failure.
std::string gzip_member(std::string_view data, int level);

/// Which encoder deflate_zlib uses: "libdeflate" or "zlib".
const char* deflate_encoder();

}  // namespace tinyprep
