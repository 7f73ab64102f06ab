// tinyprep capture SOURCE --into DATASET --label LABEL [--count N | --duration S] [--group G]
// Records samples from a TinyML kit over serial, a camera, a microphone or stdin.
#include "capture/capture.h"
#include "command.h"

namespace tinyprep {
namespace {

struct CaptureCli {
  CaptureTarget target;
  SerialOptions serial;
  StdinOptions in;
  CameraOptions camera;
  MicOptions mic;
};

void add_target_options(CLI::App& sub, CaptureTarget& t) {
  sub.add_option("--into", t.dataset, "dataset folder (made when missing)")->required();
  sub.add_option("--label", t.label, "label of every captured sample")->required();
  auto* count =
      sub.add_option("--count", t.count, "stop after N samples")->check(CLI::PositiveNumber);
  sub.add_option("--duration", t.duration_s, "stop after S seconds")
      ->check(CLI::PositiveNumber)
      ->excludes(count);
  sub.add_option("--group", t.group, "group of every sample (a person, a session, a board)");
}

}  // namespace

RunFn setup_capture(CLI::App& app) {
  auto o = std::make_shared<CaptureCli>();
  app.description(
      "Record samples into a dataset: each finished sample is written at once under\n"
      "data/<label>/ with its manifest line (under the dataset's lock, so captures and\n"
      "imports into one dataset can run at once). Ctrl-C, SIGTERM or an unplugged device\n"
      "keeps every finished sample. Every message names the source (serial:/dev/ttyACM0),\n"
      "and one summary line ends every capture that kept anything, also one stopped by an\n"
      "error or Ctrl-C. Exit code, as for every command: 0 when samples were kept and the\n"
      "capture ended by itself (--count, --duration, end of input, device gone); 130 when\n"
      "interrupted (Ctrl-C, SIGTERM), whether or not samples were kept (those stay: the\n"
      "summary says how many); 1 after an I/O error (a full disk: what was kept before it\n"
      "stays) or when nothing was captured. To stop after a while with exit 0, give\n"
      "--duration or --count.");
  app.require_subcommand(1, 1);

  auto* serial = app.add_subcommand("serial", "a TinyML kit (or any device) on a serial port");
  add_target_options(*serial, o->target);
  SerialOptions& s = o->serial;
  serial->add_option("--port", s.port, "port path, or 'auto' for the one Arduino board")
      ->capture_default_str();
  serial->add_option("--baud", s.baud, "baud rate (never 1200)")->capture_default_str();
  serial->add_option("--mode", s.mode, "how the sketch sends data")
      ->check(CLI::IsMember({"csv", "forwarder", "plotter", "ov767x-raw", "ov767x-hex", "pcm"}))
      ->capture_default_str();
  serial->add_option("--rows", s.rows,
                     "csv: rows a gesture must have (default: the first gesture's); others "
                     "are dropped");
  serial
      ->add_option("--header", s.header,
                   "csv: column names when the sketch prints none (default: dataset.json's "
                   "imu_columns, else c1..cN)")
      ->delimiter(',');
  serial->add_option("--rate", s.rate,
                     "forwarder/plotter: readings per second (default: detect); pcm: Hz "
                     "(default 16000)");
  serial->add_option("--axes", s.axes, "forwarder/plotter: column names, comma-separated")
      ->delimiter(',');
  serial->add_option("--length-ms", s.length_ms, "forwarder/plotter/pcm: length of a sample")
      ->capture_default_str();
  serial->add_option("--size", s.size, "ov767x: frame size (176x144, 160x120, 320x240)")
      ->capture_default_str();
  serial->add_option("--send", s.send,
                     "ov767x-raw: start command sent once ('live\\r'); ov767x-hex: frame "
                     "request (default 'c')");
  serial->add_option("--byte-order", s.byte_order, "ov767x-hex: little (the sketch) or big")
      ->capture_default_str();
  serial->add_option("--gap-ms", s.gap_ms,
                     "a pause that ends (and drops) a partial frame or clip (default 250 raw, "
                     "1000 hex, 500 pcm)");

  auto* camera = app.add_subcommand("camera", "a webcam, video file or image sequence (OpenCV)");
  add_target_options(*camera, o->target);
  CameraOptions& c = o->camera;
  camera->add_option("--device", c.device, "camera index, file, frame_%03d.png pattern or URL")
      ->capture_default_str();
  camera->add_option("--size", c.size, "frame size to ask the camera for, WxH");
  camera->add_option("--warmup", c.warmup, "frames discarded first (default 10, files 0)");
  camera->add_option("--interval", c.interval_s, "seconds between frames (default 1, files 0)");
  camera->add_option("--crop", c.crop, "WxH (centred) or WxH+X+Y");
  camera->add_option("--resize", c.resize, "WxH after cropping");
  camera->add_flag("--grayscale", c.grayscale, "save one gray channel");

  auto* mic = app.add_subcommand("mic", "a microphone (PortAudio): clips after a countdown");
  add_target_options(*mic, o->target);
  MicOptions& m = o->mic;
  mic->add_option("--device", m.device, "input device index or name part (default input)");
  mic->add_option("--rate", m.rate, "sample rate, mono 16-bit")->capture_default_str();
  mic->add_option("--length-ms", m.length_ms, "clip length")->capture_default_str();
  mic->add_option("--countdown", m.countdown, "seconds counted down before each clip")
      ->capture_default_str();

  auto* in =
      app.add_subcommand("stdin", "raw PCM, a WAV file or CSV piped in (arecord, sox, ffmpeg)");
  add_target_options(*in, o->target);
  StdinOptions& i = o->in;
  in->add_option("--format", i.format,
                 "s16le (raw PCM; input starting with a RIFF/WAVE header is read as a WAV), "
                 "wav (16-bit PCM, rate and channels from its header) or csv")
      ->check(CLI::IsMember({"s16le", "wav", "csv"}))
      ->capture_default_str();
  in->add_option("--rate", i.rate, "s16le: sample rate")->capture_default_str();
  in->add_option("--channels", i.channels, "s16le: channels")->capture_default_str();
  in->add_option("--length-ms", i.length_ms, "s16le, wav: clip length")->capture_default_str();
  in->add_option("--rows", i.rows,
                 "csv: rows a gesture must have (default: the first gesture's); others are "
                 "dropped");
  in->add_option("--header", i.header,
                 "csv: column names when the input has none (default: dataset.json's "
                 "imu_columns, else c1..cN)")
      ->delimiter(',');

  return [o, serial, camera, mic] {
    if (serial->parsed()) return capture_serial(o->target, o->serial);
    if (camera->parsed()) return capture_camera(o->target, o->camera);
    if (mic->parsed()) return capture_mic(o->target, o->mic);
    return capture_stdin(o->target, o->in);
  };
}

}  // namespace tinyprep
