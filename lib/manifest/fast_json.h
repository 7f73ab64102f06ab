#pragma once
// A JSON parser for the common case of manifest lines, about twice as fast as nlohmann's (whose
// lexer reads one character at a time through an adapter): plain strings (no escapes), numbers,
// objects, arrays, literals. It builds the same nlohmann value nlohmann's parser would, and
// declines (returns false) on anything else, so the caller falls back to nlohmann::json::parse,
// which then gives the result or the error message.
#include <nlohmann/json.hpp>
#include <string_view>

namespace tinyprep {

/// Parses `text` into `out` when it is JSON this parser handles: strings without backslash
/// escapes, valid UTF-8, nesting up to 64 levels, integers that fit 64 bits. False otherwise
/// (malformed JSON included), leaving `out` unspecified.
bool parse_json_fast(std::string_view text, nlohmann::ordered_json& out);

}  // namespace tinyprep
