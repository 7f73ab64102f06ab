// tinyprep augment [MANIFEST|-] -o OUTDIR --copies N --seed S: seeded augmented copies of the
// training lines (audio, IMU CSV, images), each recording what was done.
#include <map>
#include <memory>

#include "augment/augment.h"
#include "command.h"
#include "core/error.h"
#include "core/parse.h"

namespace tinyprep {
namespace {

struct AugmentCli {
  AugmentOptions run;
  std::map<std::string, std::string> values;  ///< numeric options as typed, read by parse.h
};

// An option whose value is read when the command runs (the one number rule, core/parse.h).
void value_option(CLI::App& app, const std::shared_ptr<AugmentCli>& cli, const std::string& name,
                  const std::string& help, const char* type = "NUMBER") {
  const std::string key = name.substr(name.rfind(',') + 1);
  app.add_option_function<std::string>(
         name, [cli, key](const std::string& v) { cli->values[key] = v; }, help)
      ->type_name(type);
}

const std::string* value(const AugmentCli& cli, const std::string& name) {
  auto it = cli.values.find(name);
  return it == cli.values.end() ? nullptr : &it->second;
}

template <class T>
void read_option(const AugmentCli& cli, const std::string& name, T& target) {
  if (const std::string* v = value(cli, name)) target = parse_number<T>(*v, name);
}

void read_range(const AugmentCli& cli, const std::string& name, std::optional<Range>& target) {
  if (const std::string* v = value(cli, name)) target = parse_range(*v, name);
}

double percent(const std::string& text, const std::string& name) {
  std::string t = text;
  if (!t.empty() && t.back() == '%') t.pop_back();
  return parse_number<double>(t, name);
}

int run_augment_command(AugmentCli& cli) {
  AugmentOptions& o = cli.run;
  read_option(cli, "--jobs", o.jobs);
  read_option(cli, "--copies", o.copies);
  read_option(cli, "--seed", o.seed);
  read_option(cli, "--noise-prob", o.noise_prob);
  if (const std::string* v = value(cli, "--noise-volume"))
    o.noise_volume = parse_range(*v, "--noise-volume");
  read_range(cli, "--snr-db", o.snr_db);
  if (o.snr_db && value(cli, "--noise-volume"))
    throw usage_error("--noise-volume and --snr-db are two ways to set the level: give one");
  if ((o.snr_db || value(cli, "--noise-volume") || value(cli, "--noise-prob")) && o.noise.empty())
    throw usage_error("--noise-prob, --noise-volume and --snr-db need --noise DIR|MANIFEST");
  read_option(cli, "--time-shift-ms", o.time_shift_ms);
  read_range(cli, "--gain-db", o.gain_db);
  read_range(cli, "--speed", o.speed);
  if (const std::string* v = value(cli, "--silence")) o.silence_pct = percent(*v, "--silence");
  if (const std::string* v = value(cli, "--unknown")) o.unknown_pct = percent(*v, "--unknown");
  read_option(cli, "--jitter", o.jitter);
  read_range(cli, "--scale", o.scale);
  read_option(cli, "--time-shift-rows", o.time_shift_rows);
  read_option(cli, "--brightness", o.brightness);
  read_option(cli, "--contrast", o.contrast);
  read_option(cli, "--rotate", o.rotate);
  read_option(cli, "--random-crop", o.random_crop);
  if (const std::string* v = value(cli, "--shard")) o.shard = parse_shard(*v);
  run_augment(o);
  return 0;
}

const char* kAugmentFooter = R"(
Audio (speech_commands' recipe, in this order): --speed (resampled, centred back to the clip's
length), --time-shift-ms (uniform +-, zero-padded), --gain-db, then --noise: a random file, a
random slice of it (resampled to the clip's rate), mixed with probability --noise-prob at a
volume drawn from --noise-volume (or set for an SNR drawn from --snr-db), clipped to [-1, 1].
--silence PCT adds ceil(lines x PCT / 100) _silence_ clips of noise at a random volume per split;
--unknown PCT keeps ceil(known x PCT / 100) _unknown_ lines per split (reads the whole manifest).
IMU CSV: --time-shift-rows (edge rows repeated), --scale per axis, --jitter (Gaussian, sigma a
share of each axis' range in the file); a time column (t, ms, *time*) is kept.
Images: --random-crop F (resized back), --rotate DEG, --flip, --brightness, --contrast.

Copies go to OUTDIR/<label>/<id>+aug<k>.wav|.csv|.png with id <id>+aug<k>; `augment` records the
seed, the copy index and every value drawn. Each copy is a function of (seed, id, k) alone:
the same bytes whatever the line order or -j. See docs/augment.md.

--shard K/N: only the lines whose id worker K of N takes (a hash of the id), so N processes
into one OUTDIR (each with its own -O) together write every copy once; copy names hold the id,
so workers never write one file. --unknown's choice is made on the whole manifest by every
worker (the same choice); --silence clips are made by worker 0 alone, which reads every line
(and the header of its audio) for the counts. Concatenate the manifests.
)";

}  // namespace

RunFn setup_augment(CLI::App& app) {
  auto cli = std::make_shared<AugmentCli>();
  AugmentOptions& o = cli->run;
  app.description(
      "Write N seeded, augmented copies of each training line (audio, IMU CSV, images); emit\n"
      "the original lines, then the copies (then any _silence_ clips).");
  app.add_option("MANIFEST", o.input, "manifest, dataset folder or - (default: stdin)");
  app.add_option("-o,--outdir", o.outdir, "folder the copies go to (made when missing)")
      ->required();
  app.add_option("-O,--output", o.output, "manifest to write (default '-': stdout)");
  app.add_flag("--force", o.force, "replace an existing --output");
  value_option(app, cli, "-j,--jobs", "threads (default 0: all cores)");
  value_option(app, cli, "--copies", "copies per line (default 1)", "N");
  value_option(app, cli, "--seed", "seed of every draw (default 0)", "S");
  app.add_flag("--all", o.all, "augment every line, not only split=train");
  value_option(app, cli, "--shard", "worker K of N: only the lines whose id it takes", "K/N");
  app.add_option("--noise", o.noise, "background noise: a folder of audio files or a manifest")
      ->type_name("DIR|MANIFEST");
  value_option(app, cli, "--noise-prob", "share of copies that get noise (default 0.8)");
  value_option(app, cli, "--noise-volume", "noise volume range (default 0:0.1)", "LO:HI");
  value_option(app, cli, "--snr-db", "signal-to-noise ratio range instead of a volume", "LO:HI");
  value_option(app, cli, "--time-shift-ms", "shift by up to +- this many ms");
  value_option(app, cli, "--gain-db", "gain range in dB (e.g. -6:6)", "LO:HI");
  value_option(app, cli, "--speed", "speed range (e.g. 0.9:1.1)", "LO:HI");
  value_option(app, cli, "--silence", "add this share of _silence_ clips per split", "PCT");
  value_option(app, cli, "--unknown", "keep this share of _unknown_ lines per split", "PCT");
  value_option(app, cli, "--jitter", "IMU: Gaussian noise, share of each axis' range");
  value_option(app, cli, "--scale", "IMU: per-axis scale range (e.g. 0.9:1.1)", "LO:HI");
  value_option(app, cli, "--time-shift-rows", "IMU: shift by up to +- this many rows", "N");
  app.add_option("--flip", o.flip, "images: mirror half the copies: horizontal or vertical");
  value_option(app, cli, "--brightness", "images: add up to +- this share of 255");
  value_option(app, cli, "--contrast", "images: contrast factor 1 +- this");
  value_option(app, cli, "--rotate", "images: rotate by up to +- this many degrees");
  value_option(app, cli, "--random-crop", "images: crop this share of each side, resize back");
  app.footer(std::string(kAugmentFooter) + "\n" + app.get_footer());
  return [cli] { return run_augment_command(*cli); };
}

}  // namespace tinyprep
