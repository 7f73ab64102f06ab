#include "split/split_rules.h"

#include <charconv>
#include <cstdio>
#include <vector>

#include "core/error.h"
#include "core/hash.h"

namespace tinyprep {
namespace {

constexpr std::int64_t kMicroPerPercent = 1'000'000;
constexpr std::int64_t kBuckets = 100 * kMicroPerPercent;
constexpr int kMaxDecimals = 6;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "12.5" → 12'500'000 exactly (no binary floating point on the way).
std::int64_t parse_micro_percent(std::string_view part, std::string_view whole) {
  auto bad = [&](const std::string& why) {
    return usage_error("--ratios '" + std::string(whole) + "': " + why);
  };
  if (!part.empty() && part.front() == '-') throw bad("a share cannot be negative");
  std::int64_t units = 0;
  int decimals = -1;  // -1: before the point
  int digits = 0;
  for (char c : part) {
    if (c == '.' && decimals < 0) {
      decimals = 0;
      continue;
    }
    if (c < '0' || c > '9') throw bad("'" + std::string(part) + "' is not a number");
    if (decimals >= 0 && ++decimals > kMaxDecimals)
      throw bad("at most " + std::to_string(kMaxDecimals) + " decimal places");
    units = units * 10 + (c - '0');
    if (units > 1000 * kBuckets) throw bad("'" + std::string(part) + "' is too large");
    ++digits;
  }
  if (digits == 0) throw bad("'" + std::string(part) + "' is not a number");
  for (int d = decimals < 0 ? 0 : decimals; d < kMaxDecimals; ++d) units *= 10;
  return units;
}

}  // namespace

const char* split_name(Split split) {
  return enum_name(kSplitNames, split, "?");
}

std::optional<Split> parse_split_name(std::string_view name) {
  return enum_from_name(kSplitNames, name);
}

SplitRatios parse_split_ratios(std::string_view text) {
  std::vector<std::string_view> parts;
  for (std::string_view rest = text;;) {
    size_t comma = rest.find(',');
    parts.push_back(trim(rest.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  if (parts.size() != kSplitCount)
    throw usage_error("--ratios '" + std::string(text) +
                      "': give three shares TRAIN,VALIDATION,TEST, e.g. 80,10,10");
  SplitRatios r;
  for (int n = 0; n < kSplitCount; ++n) {
    std::string_view part = parts[n];
    r.micro[n] = parse_micro_percent(part, text);
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), r.percent[n],
                                     std::chars_format::fixed);
    if (ec != std::errc() || end != part.data() + part.size())
      throw usage_error("--ratios '" + std::string(text) + "': '" + std::string(part) +
                        "' is not a number");
  }
  std::int64_t sum = r.micro[0] + r.micro[1] + r.micro[2];
  if (sum != kBuckets) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6f", static_cast<double>(sum) / kMicroPerPercent);
    std::string shown = buf;
    while (shown.back() == '0') shown.pop_back();
    if (shown.back() == '.') shown.pop_back();
    throw usage_error("--ratios '" + std::string(text) + "': the shares sum to " + shown +
                      ", not 100");
  }
  return r;
}

std::uint64_t hex_mod(std::string_view hex, std::uint64_t modulus) {
  if (modulus == 0 || modulus > (std::uint64_t{1} << 59))
    throw Error("hex_mod: modulus out of range");
  std::uint64_t r = 0;
  for (char c : hex) {
    unsigned digit;
    if (c >= '0' && c <= '9')
      digit = c - '0';
    else if (c >= 'a' && c <= 'f')
      digit = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      digit = c - 'A' + 10;
    else
      throw Error("hex_mod: not a hexadecimal digit");
    r = (r * 16 + digit) % modulus;  // r < modulus <= 2^59, so r * 16 + 15 < 2^64
  }
  return r;
}

std::int64_t hash_split_bucket(std::string_view key, std::uint64_t seed) {
  std::string message = std::to_string(seed);
  message += ':';
  message += key;
  std::string digest = sha256_hex(message);
  return static_cast<std::int64_t>(hex_mod(std::string_view(digest).substr(0, 16), kBuckets));
}

Split hash_split(std::string_view key, std::uint64_t seed, const SplitRatios& ratios) {
  std::int64_t bucket = hash_split_bucket(key, seed);
  std::int64_t validation = ratios.of(Split::kValidation);
  if (bucket < validation) return Split::kValidation;
  if (bucket < validation + ratios.of(Split::kTest)) return Split::kTest;
  return Split::kTrain;
}

std::string speech_commands_hash_name(std::string_view path) {
  size_t slash = path.rfind('/');
  std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  // re.sub(r'_nohash_.*$', '', base): '.' stops at '\n' and '$' matches at the end or before a
  // final '\n', so the leftmost '_nohash_' whose tail holds no newline (but a final one) wins.
  constexpr std::string_view kMarker = "_nohash_";
  for (size_t at = base.find(kMarker); at != std::string_view::npos;
       at = base.find(kMarker, at + 1)) {
    size_t newline = base.find('\n', at + kMarker.size());
    if (newline == std::string_view::npos) return std::string(base.substr(0, at));
    if (newline == base.size() - 1) return std::string(base.substr(0, at)) + "\n";
  }
  return std::string(base);
}

double speech_commands_percentage(std::string_view path) {
  std::string hashed = sha1_hex(speech_commands_hash_name(path));
  std::uint64_t r = hex_mod(hashed, kMaxNumWavsPerClass + 1);
  // Python: int % int is exact; the int then meets a float, so both become IEEE doubles.
  const double scale = 100.0 / static_cast<double>(kMaxNumWavsPerClass);
  return static_cast<double>(r) * scale;
}

Split speech_commands_split(std::string_view path, double validation_percentage,
                            double testing_percentage) {
  double p = speech_commands_percentage(path);
  if (p < validation_percentage) return Split::kValidation;
  if (p < testing_percentage + validation_percentage) return Split::kTest;
  return Split::kTrain;
}

}  // namespace tinyprep
