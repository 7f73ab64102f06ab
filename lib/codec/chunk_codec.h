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
/// As shuffle_bytes, into `out` (its capacity reused).
void shuffle_bytes_into(std::string_view data, size_t element_size, std::string& out);

/// HDF5's deflate filter: a zlib stream (RFC 1950) at `level`; libdeflate when built with it,
/// else zlib. Throws Error on failure.
std::string deflate_zlib(std::string_view data, int level);
/// As deflate_zlib, into `out` (its capacity reused).
void deflate_zlib_into(std::string_view data, int level, std::string& out);

/// HDF5's shuffle then deflate filters in one go: the zlib stream of shuffle_bytes(data).
/// Byte planes in which deflate would find no matches (the mantissa bytes of float features
/// are close to noise) are not sent through the match finder, which spends most of its time
/// failing on them: a leading plane that deflate cannot shrink goes into stored blocks, one
/// whose gain is in its byte frequencies gets a Huffman code per 4 KiB block (which gains
/// more there than the match finder's longer blocks do); the first plane with runs or repeats
/// and all after it are deflated at `level`. Any inflater reads the result.
std::string shuffle_deflate_zlib(std::string_view data, size_t element_size, int level);
/// As shuffle_deflate_zlib, into `out`, shuffling into `scratch`: a writer that hands both back
/// for the next chunk touches no fresh memory (a fresh megabyte costs 256 page faults).
void shuffle_deflate_zlib_into(std::string_view data, size_t element_size, int level,
                               std::string& out, std::string& scratch);

/// How shuffle_deflate_zlib codes one byte plane.
enum class PlaneCoding { kStored, kLiterals, kMatches };
PlaneCoding plane_coding(std::string_view plane);

/// A byte plane as shuffle_deflate_zlib judges it: the zeros that end it (the padding of a last
/// chunk) apart when there are 4,096 or more of them, else none, and the body before them.
struct PlaneParts {
  std::string_view body;
  size_t zeros = 0;
};
PlaneParts split_plane(std::string_view plane);

/// The two bytes of the zlib header (RFC 1950: CMF, FLG with FLEVEL and FCHECK) that zlib and
/// libdeflate write for `level`.
std::string zlib_header(int level);

/// One gzip member (RFC 1952) holding `data` compressed at `level`; libdeflate when built with
/// it, else zlib. Throws Error on failure.
std::string gzip_member(std::string_view data, int level);

/// Which encoder deflate_zlib uses: "libdeflate" or "zlib".
const char* deflate_encoder();

}  // namespace tinyprep
