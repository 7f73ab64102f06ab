// tinyprep plot KIND [MANIFEST|-] -o out.png|out.svg: one picture of a manifest.
#include <memory>

#include "command.h"
#include "core/error.h"
#include "core/parse.h"
#include "report/plot.h"

namespace tinyprep {

RunFn setup_plot(CLI::App& app) {
  struct Cli {
    PlotOptions run;
    std::string kind, per_label, size;
  };
  auto cli = std::make_shared<Cli>();
  PlotOptions& r = cli->run;
  app.description(
      "Draw a manifest for slides and papers, as PNG or SVG (chosen by -o's extension; the same\n"
      "drawing either way, deterministic bytes):\n"
      "  spectrogram  a sample's features, or its audio's log-mel, with a colour bar\n"
      "  waveform     a sample's audio; the clips segment cut from it marked when the\n"
      "               manifest holds their lines (source, offset_ms), or the line's events\n"
      "  images       a contact sheet: --per-label images (default 6) per label, in rows\n"
      "  balance      bars of sample counts per label, stacked by split\n"
      "  imu          the columns of an IMU CSV sample over time");
  app.add_option("KIND", cli->kind, "spectrogram, waveform, images, balance or imu")
      ->required()
      ->check(CLI::IsMember({"spectrogram", "waveform", "images", "balance", "imu"}));
  app.add_option("MANIFEST", r.input, "manifest, dataset folder or - (default: stdin)");
  app.add_option("-o,--output", r.output, "picture to write: .png or .svg")->required();
  app.add_option("--id", r.id, "the sample to draw (default: the first that fits)");
  app.add_option("--per-label", cli->per_label, "draw N samples of each label side by side")
      ->type_name("N");
  app.add_option("--size", cli->size, "WIDTHxHEIGHT in pixels (default 1280x720)");
  app.add_flag("--force", r.force, "replace an existing output");
  return [cli] {
    PlotOptions& o = cli->run;
    o.kind = *enum_from_name(kPlotKindNames, cli->kind);
    if (!cli->per_label.empty()) o.per_label = parse_number<int>(cli->per_label, "--per-label");
    if (!cli->size.empty()) {
      size_t x = cli->size.find('x');
      if (x == std::string::npos) throw usage_error("--size: '" + cli->size + "' is not WxH");
      o.width = parse_number<int>(cli->size.substr(0, x), "--size");
      o.height = parse_number<int>(cli->size.substr(x + 1), "--size");
    }
    return run_plot(o);
  };
}

}  // namespace tinyprep
