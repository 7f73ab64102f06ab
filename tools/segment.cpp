// tinyprep segment [MANIFEST|-] --mode MODE -o OUTDIR: long takes cut into clips.
#include <map>
#include <memory>

#include "command.h"
#include "core/error.h"
#include "core/parse.h"
#include "segment/segment.h"

namespace tinyprep {
namespace {

struct SegmentCli {
  SegmentOptions run;
  std::string mode, shard;
  std::map<std::string, std::string> numbers;  ///< numeric options as typed, read by parse.h
};

// A numeric option: kept as text, read with the one number rule when the command runs.
void number_option(CLI::App& app, const std::shared_ptr<SegmentCli>& cli, const std::string& name,
                   const std::string& help) {
  const std::string key = name.substr(name.rfind(',') + 1);  // "-j,--jobs": "--jobs"
  app.add_option_function<std::string>(
         name, [cli, key](const std::string& v) { cli->numbers[key] = v; }, help)
      ->type_name("NUMBER");
}

template <class T>
void read_option(const SegmentCli& cli, const std::string& name, T& target) {
  auto it = cli.numbers.find(name);
  if (it != cli.numbers.end()) target = parse_number<T>(it->second, name);
}

int run_segment_command(SegmentCli& cli) {
  SegmentOptions& r = cli.run;
  r.mode = *enum_from_name(kSegmentModeNames, cli.mode);
  read_option(cli, "--length-ms", r.length_ms);
  read_option(cli, "--hop-ms", r.hop_ms);
  read_option(cli, "--threshold-db", r.events.threshold_db);
  read_option(cli, "--min-gap-ms", r.events.min_gap_ms);
  read_option(cli, "--min-event-ms", r.events.min_event_ms);
  read_option(cli, "--max-clips", r.max_clips);
  read_option(cli, "--rows", r.rows);
  read_option(cli, "--hop-rows", r.hop_rows);
  read_option(cli, "--threshold", r.threshold);
  read_option(cli, "--pre-rows", r.pre_rows);
  read_option(cli, "--rate", r.rate);
  read_option(cli, "--jobs", r.jobs);
  if (!cli.shard.empty()) r.shard = parse_shard(cli.shard);
  run_segment(r);
  return 0;
}

const char* kSegmentFooter = R"(
Modes:
  events   audio: utterances found by short-time energy (10 ms frames) against an adaptive
           noise floor; a --length-ms clip centred on each (shifted to stay inside the take,
           or zero-padded with --pad). stderr gives each event's time and peak level.
  windows  audio: --length-ms windows every --hop-ms; IMU CSV: --rows windows every --hop-rows.
  labels   audio: one clip per region of an Audacity label track (start<TAB>end<TAB>label in
           seconds; a point label gets a --length-ms clip centred on it), labelled from the
           track (a region without text keeps the take's label). --labels DIR reads
           DIR/<stem>.txt for each take.
  trigger  IMU CSV: a --rows window (default 119) starts where the sum of |aX|+|aY|+|aZ|
           (--axes) reaches --threshold, as the Arduino IMU_Capture sketch does; the search
           resumes after the window. --pre-rows keeps rows before the trigger.

Each clip is written to OUTDIR/<label>/<id>@<offset_ms>.wav|.csv (16-bit PCM WAV for audio, the
input's own lines for CSV) and gets a manifest line with the take's label, group and split and
source (the take's id), offset_ms, length_ms (CSV: also offset_rows and rows). Clip ids are
<take id>@<offset_ms>: re-running gives the same files and lines. CSV offsets in ms need the
rate: the line's csv.rate, or --rate.

--shard K/N: only the takes whose id worker K of N takes (a hash of the id), so N processes
into one OUTDIR (each with its own -O) together cut every take once; clip names hold the take's
id, so workers never write one file, and each locks its shard only. Concatenate the manifests.
)";

}  // namespace

RunFn setup_segment(CLI::App& app) {
  auto cli = std::make_shared<SegmentCli>();
  SegmentOptions& r = cli->run;
  app.description("Cut long takes (audio or IMU CSV) into clips, one manifest line per clip.");
  app.add_option("MANIFEST", r.input, "manifest, dataset folder or - (default: stdin)");
  app.add_option("--mode", cli->mode, "events, windows, labels or trigger")
      ->required()
      ->check(CLI::IsMember({"events", "windows", "labels", "trigger"}));
  app.add_option("-o,--outdir", r.outdir, "folder the clips go to (made when missing)")->required();
  app.add_option("-O,--output", r.output, "manifest to write (default '-': stdout)");
  app.add_flag("--force", r.force, "replace an existing --output");
  number_option(app, cli, "-j,--jobs", "threads (default 0: all cores)");
  app.add_option("--shard", cli->shard, "worker K of N: only the takes whose id it takes")
      ->type_name("K/N");
  number_option(app, cli, "--length-ms", "clip length (default 1000)");
  number_option(app, cli, "--hop-ms", "windows: step between windows (default: --length-ms)");
  app.add_flag("--pad", r.pad, "zero-pad clips that run past either end instead of shifting them");
  number_option(app, cli, "--threshold-db", "events: dB above the noise floor (default 10)");
  number_option(app, cli, "--min-gap-ms", "events: closer events are merged (default 200)");
  number_option(app, cli, "--min-event-ms", "events: shorter events are dropped (default 80)");
  number_option(app, cli, "--max-clips", "events: keep the N loudest per take");
  app.add_option("--labels", r.labels, "labels: Audacity label track FILE, or DIR of <stem>.txt");
  number_option(app, cli, "--rows", "IMU: rows per clip (trigger: default 119)");
  number_option(app, cli, "--hop-rows", "IMU windows: step in rows (default: --rows)");
  number_option(app, cli, "--threshold", "trigger: sum of |axes| that starts a gesture (2.5)");
  app.add_option("--axes", r.axes, "trigger: columns summed (default aX,aY,aZ, else x,y,z)")
      ->delimiter(',')
      ->allow_extra_args(false);
  number_option(app, cli, "--pre-rows", "trigger: rows kept before the trigger row");
  number_option(app, cli, "--rate", "IMU: rows per second when a line has no csv.rate");
  app.footer(std::string(kSegmentFooter) + "\n" + app.get_footer());
  return [cli] { return run_segment_command(*cli); };
}

}  // namespace tinyprep
