#pragma once
// The fast path for manifest lines: simdjson (Debian's libsimdjson-dev) parses the line and
// the result is built as the nlohmann value the rest of tinyprep uses, about twice as fast as
// nlohmann's own parser (whose lexer reads one character at a time through an adapter). It
// declines (returns false) anything where the two could differ, and anything simdjson
// refuses, so the caller falls back to nlohmann::json::parse, which then gives the result or
// the error message. (A hand-written parser did this until issue 11; simdjson is as fast,
// bench/README.md "Second implementations".)
#include <nlohmann/json.hpp>
#include <string_view>

namespace tinyprep {

/// Parses `text` into `out` when it is valid JSON without backslash escapes, control
/// characters in strings, a byte-order mark or "-0", nested at most 64 levels, whose integers
/// fit 64 bits. False otherwise (malformed JSON included), leaving `out` unspecified.
bool parse_json_fast(std::string_view text, nlohmann::ordered_json& out);

}  // namespace tinyprep
