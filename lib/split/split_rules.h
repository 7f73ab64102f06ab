#pragma once
// The split assignment rules: which of train / validation / test a sample belongs to, as pure
// functions of its name or group, so anyone can reproduce them (docs/split.md has the Python).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/enum_names.h"

namespace tinyprep {

enum class Split : int { kTrain = 0, kValidation = 1, kTest = 2 };
inline constexpr int kSplitCount = 3;
inline constexpr std::array<Split, kSplitCount> kSplits = {Split::kTrain, Split::kValidation,
                                                           Split::kTest};
/// The names of the splits, as manifest lines spell them.
inline constexpr EnumName<Split> kSplitNames[] = {
    {Split::kTrain, "train"}, {Split::kValidation, "validation"}, {Split::kTest, "test"}};

/// "train", "validation" or "test": the value of a manifest line's `split` field.
const char* split_name(Split split);
/// The Split named `name`, or nothing when it is not one of the three names.
std::optional<Split> parse_split_name(std::string_view name);

/// Split percentages as given ("80,10,10" = train, validation, test).
struct SplitRatios {
  /// Each share in millionths of a percent (80% = 80'000'000); they sum to 100'000'000.
  std::array<std::int64_t, kSplitCount> micro{};
  /// Each share as a double, as Python's float() would read the text (speech-commands rule).
  std::array<double, kSplitCount> percent{};

  std::int64_t of(Split s) const { return micro[static_cast<int>(s)]; }
  double percent_of(Split s) const { return percent[static_cast<int>(s)]; }
};

/// Parses "TRAIN,VALIDATION,TEST": three non-negative decimals with at most 6 decimal places
/// summing to exactly 100. Throws a usage error naming the problem.
SplitRatios parse_split_ratios(std::string_view text);

/// The bucket in [0, 100'000'000) of `key` under `seed`:
/// int(sha256(f"{seed}:{key}").hexdigest()[:16], 16) % 100_000_000.
std::int64_t hash_split_bucket(std::string_view key, std::uint64_t seed);

/// The default split rule: bucket < validation → validation, < validation + test → test,
/// otherwise train (the order of TensorFlow's which_set). `key` is the group, or the id.
Split hash_split(std::string_view key, std::uint64_t seed, const SplitRatios& ratios);

/// A hexadecimal number (any length, either case) modulo `modulus` (<= 2^59), computed digit
/// by digit. Throws Error on a non-hex digit or a modulus out of range.
std::uint64_t hex_mod(std::string_view hex, std::uint64_t modulus);

/// TensorFlow speech_commands: MAX_NUM_WAVS_PER_CLASS = 2**27 - 1.
inline constexpr std::uint64_t kMaxNumWavsPerClass = (std::uint64_t{1} << 27) - 1;

/// What which_set hashes: os.path.basename(path) with re.sub(r'_nohash_.*$', '', ...) applied.
std::string speech_commands_hash_name(std::string_view path);

/// which_set's percentage_hash of `path`:
/// (int(sha1(hash_name).hexdigest(), 16) % (MAX_NUM_WAVS_PER_CLASS + 1))
///   * (100.0 / MAX_NUM_WAVS_PER_CLASS), in IEEE double like Python.
double speech_commands_percentage(std::string_view path);

/// TensorFlow's which_set(path, validation_percentage, testing_percentage), mapped to our names
/// (validation, testing → test, training → train).
Split speech_commands_split(std::string_view path, double validation_percentage,
                            double testing_percentage);

}  // namespace tinyprep
