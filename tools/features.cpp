// tinyprep features [MANIFEST|-] --preset NAME -o FEATDIR: features of every sample, as rows of
// packed parts (default) or one .npy per sample.
#include <cmath>
#include <map>

#include "command.h"
#include "core/error.h"
#include "core/process.h"
#include "core/shard.h"
#include "features/feature_options.h"
#include "features/features.h"
#include "features/imu_features.h"

namespace tinyprep {
namespace {

struct FeaturesCli {
  FeaturesOptions run;
  std::string preset;
  int rate = 16000;
  double length_ms = 1000;
  std::string align = "start";
  std::string layout = "packed";
  std::string shard;
  std::map<std::string, std::string> given;  ///< preset options as typed
  CLI::Option* rate_option = nullptr;
  CLI::Option* length_option = nullptr;
  CLI::Option* align_option = nullptr;
  CLI::Option* part_mb_option = nullptr;
};

int run_features_command(FeaturesCli& cli) {
  cli.run.layout = cli.layout == "files" ? FeatureLayout::kFiles : FeatureLayout::kPacked;
  if (cli.run.layout == FeatureLayout::kFiles && cli.part_mb_option->count())
    throw usage_error("--part-mb applies to --layout packed, not --layout files");
  if (!(cli.run.part_mb > 0) || !std::isfinite(cli.run.part_mb) || cli.run.part_mb > 1048576)
    throw usage_error("--part-mb " + cli.part_mb_option->as<std::string>() +
                      ": expected a size in MiB above 0 (e.g. 256, or 0.5)");
  if (!cli.shard.empty()) cli.run.shard = parse_shard(cli.shard);
  cli.run.command = command_args();
  cli.run.version = tinyprep_version();
  const bool imu = cli.preset == "imu" || cli.preset == "imu-spectral";
  if (imu) {
    // Windows of rows at the recorded rate unless --rate says otherwise.
    for (CLI::Option* o : {cli.length_option, cli.align_option})
      if (o->count())
        throw usage_error(o->get_name() + " does not apply to --preset " + cli.preset +
                          " (--rows N pads or trims each window)");
    if (!cli.rate_option->count()) cli.rate = 0;
  }
  cli.run.config =
      feature_config_from_options(cli.preset, cli.rate, cli.length_ms, cli.align, cli.given);
  if (imu) {
    cli.run.config.imu.dataset_ranges = dataset_imu_ranges(cli.run.input);
    cli.run.config = resolve_feature_config(cli.run.config);
  }
  FeaturesResult r = run_features(cli.run);
  if (r.failed)
    throw Error(std::to_string(r.failed) + " of " + std::to_string(r.samples) +
                " samples failed (listed above); the other " +
                std::to_string(r.samples - r.failed) + " are in " + cli.run.featdir);
  return 0;
}

}  // namespace

RunFn setup_features(CLI::App& app) {
  auto cli = std::make_shared<FeaturesCli>();
  app.description(
      "Compute features for every sample of a manifest (frames x bins): rows of packed parts\n"
      "FEATDIR/part-K-NNNNNN.npy of shape (n, frames, bins), each up to --part-mb, loadable\n"
      "with np.load(path, mmap_mode='r') (--layout files: one .npy per sample, named after its\n"
      "id); FEATDIR/config.json with every parameter, its hash and the command; and the\n"
      "manifest lines with a `features` field ({path, row, shape, dtype, config}) on stdout.\n"
      "Clips are resampled (libsoxr), downmixed and padded or trimmed to --length-ms first.\n"
      "Re-running skips samples whose features exist for the same sha256 and config (new ones\n"
      "go into new parts). --shard K/N computes only the lines worker K of N takes: N workers\n"
      "may write into one FEATDIR at once; concatenate their manifests.\n\n"
      "Presets: micro_speech (TF micro frontend, bit-exact, 49 x 40 per second), spectrogram,\n"
      "logmel, mfcc (librosa 0.10 definitions), mfe (Edge Impulse-style); for IMU CSV lines\n"
      "imu (rows x axes, each axis scaled by its sensor range) and imu-spectral (per axis mean,\n"
      "RMS, skewness, kurtosis, log-spaced FFT band powers).\n\n"
      "Examples:\n"
      "  tinyprep features --preset micro_speech -o feats/ kws/ > kws-feats.jsonl\n"
      "  tinyprep features --preset logmel --n-fft 512 --win-length 480 --hop-length 320 \\\n"
      "      --n-mels 40 --no-center -o feats/ train.jsonl -O train-feats.jsonl\n"
      "  tinyprep features --preset imu --rows 119 -o feats/ gestures.jsonl > feats.jsonl");
  app.add_option("MANIFEST", cli->run.input, "manifest, dataset folder or - (default: stdin)");
  app.add_option("--preset", cli->preset,
                 "micro_speech, spectrogram, logmel, mfcc, mfe, imu or imu-spectral")
      ->required()
      ->check(CLI::IsMember(
          {"micro_speech", "spectrogram", "logmel", "mfcc", "mfe", "imu", "imu-spectral"}));
  app.add_option("-o,--featdir", cli->run.featdir, "feature folder (made when missing)")
      ->required();
  app.add_option("-O,--output", cli->run.output, "manifest to write (default '-': stdout)");
  cli->rate_option = app.add_option(
      "--rate", cli->rate,
      "sample rate features are computed at (default 16000; imu: the recorded rate, csv.rate)");
  cli->length_option = app.add_option(
      "--length-ms", cli->length_ms,
      "pad or trim every clip to this length (default 1000; 0 keeps each length) [audio]");
  cli->align_option =
      app.add_option("--align", cli->align, "start, center or loudest window (default start)")
          ->check(CLI::IsMember({"start", "center", "loudest"}));
  for (const FeatureOption& spec : feature_options()) {
    std::string name = spec.name;
    std::string help = std::string(spec.help) + " [" + spec.presets + "]";
    if (spec.value) {
      app.add_option_function<std::string>(
             name, [cli, name](const std::string& v) { cli->given[name] = v; }, help)
          ->type_name(spec.value);
    } else {
      app.add_flag_function(
          name + ",!--no-" + name.substr(2),
          [cli, name](int64_t v) { cli->given[name] = v > 0 ? "true" : "false"; }, help);
    }
  }
  app.add_option("--layout", cli->layout,
                 "packed (default: rows of stacked parts) or files (one .npy per sample)")
      ->check(CLI::IsMember({"packed", "files"}));
  cli->part_mb_option =
      app.add_option("--part-mb", cli->run.part_mb,
                     "close a part before it would pass this many MiB (default 256) [packed]");
  app.add_option("--shard", cli->shard,
                 "worker K of N (K/N, from 0): only the lines whose id it takes (a hash of the "
                 "id); N workers may run at once into one FEATDIR");
  app.add_option("-j,--jobs", cli->run.jobs, "threads (default 0: all cores)");
  app.add_flag("--force", cli->run.force,
               "replace --output; recompute in a FEATDIR made with another config");
  return [cli] { return run_features_command(*cli); };
}

}  // namespace tinyprep
