#include "capture/microphone.h"

#include <portaudio.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "core/error.h"
#include "core/plugin.h"
#include "core/signals.h"

#ifndef _WIN32
#include <fcntl.h>
#include <unistd.h>
#endif

namespace tinyprep {
namespace {

// PortAudio (with ALSA and JACK) is opened on first use (core/plugin.h): only `capture mic`
// needs it.
struct PortAudio : Library {
  PortAudio()
      : Library("libportaudio.so.2", "microphone capture (PortAudio)", "install libportaudio2") {}
  TINYPREP_LIBRARY_FUNCTION(CloseStream, Pa_CloseStream);
  TINYPREP_LIBRARY_FUNCTION(GetDefaultInputDevice, Pa_GetDefaultInputDevice);
  TINYPREP_LIBRARY_FUNCTION(GetDeviceCount, Pa_GetDeviceCount);
  TINYPREP_LIBRARY_FUNCTION(GetDeviceInfo, Pa_GetDeviceInfo);
  TINYPREP_LIBRARY_FUNCTION(GetErrorText, Pa_GetErrorText);
  TINYPREP_LIBRARY_FUNCTION(Initialize, Pa_Initialize);
  TINYPREP_LIBRARY_FUNCTION(IsFormatSupported, Pa_IsFormatSupported);
  TINYPREP_LIBRARY_FUNCTION(OpenStream, Pa_OpenStream);
  TINYPREP_LIBRARY_FUNCTION(ReadStream, Pa_ReadStream);
  TINYPREP_LIBRARY_FUNCTION(StartStream, Pa_StartStream);
  TINYPREP_LIBRARY_FUNCTION(StopStream, Pa_StopStream);
  TINYPREP_LIBRARY_FUNCTION(Terminate, Pa_Terminate);
};

const PortAudio& pa() {
  static const PortAudio api;
  return api;
}

// ALSA and JACK print pages of probing chatter on stderr while PortAudio looks for devices;
// what matters is said in our own error.
class QuietStderr {
 public:
  QuietStderr() {
#ifndef _WIN32
    std::fflush(stderr);
    saved_ = ::dup(STDERR_FILENO);
    int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (saved_ >= 0 && null >= 0) ::dup2(null, STDERR_FILENO);
    if (null >= 0) ::close(null);
#endif
  }
  ~QuietStderr() {
#ifndef _WIN32
    if (saved_ >= 0) ::dup2(saved_, STDERR_FILENO), ::close(saved_);
#endif
  }

 private:
  int saved_ = -1;
};

std::string pa_error(PaError e) {
  return pa().GetErrorText(e);
}

class PortAudioInput : public AudioInput {
 public:
  PortAudioInput(PaStream* stream, int rate, std::string name)
      : stream_(stream), rate_(rate), name_(std::move(name)) {}
  ~PortAudioInput() override {
    pa().StopStream(stream_);
    pa().CloseStream(stream_);
    pa().Terminate();
  }

  bool read(int16_t* out, long frames) override {
    while (frames > 0) {
      if (interrupted()) return false;
      long n = std::min<long>(frames, std::max(1, rate_ / 10));  // Ctrl-C is seen within 0.1 s
      PaError e = pa().ReadStream(stream_, out, n);
      if (e != paNoError && e != paInputOverflowed)
        throw Error(name_, 0, "cannot record: " + pa_error(e));
      out += n;
      frames -= n;
    }
    return true;
  }
  int sample_rate() const override { return rate_; }
  std::string name() const override { return name_; }

 private:
  PaStream* stream_;
  int rate_;
  std::string name_;
};

PaDeviceIndex pick_device(const std::string& wanted, int count) {
  if (wanted.empty() || wanted == "default") {
    PaDeviceIndex d = pa().GetDefaultInputDevice();
    if (d != paNoDevice) return d;
    for (PaDeviceIndex i = 0; i < count; ++i)
      if (pa().GetDeviceInfo(i)->maxInputChannels > 0) return i;
    return paNoDevice;
  }
  bool number =
      std::all_of(wanted.begin(), wanted.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (number) {
    int i = std::stoi(wanted);
    if (i < count && pa().GetDeviceInfo(i)->maxInputChannels > 0) return i;
    return paNoDevice;
  }
  for (PaDeviceIndex i = 0; i < count; ++i) {
    const PaDeviceInfo* info = pa().GetDeviceInfo(i);
    if (info->maxInputChannels > 0 && std::string(info->name).find(wanted) != std::string::npos)
      return i;
  }
  return paNoDevice;
}

}  // namespace

std::unique_ptr<AudioInput> open_microphone(const std::string& device, int sample_rate) {
  PaError e;
  {
    QuietStderr quiet;
    e = pa().Initialize();
  }
  if (e != paNoError) throw Error("mic", 0, "cannot start PortAudio: " + pa_error(e));
  struct Terminate {  // undone unless the stream opens
    bool armed = true;
    ~Terminate() {
      if (armed) pa().Terminate();
    }
  } terminate;
  int count = pa().GetDeviceCount();
  if (count < 0) throw Error("mic", 0, "cannot list audio devices: " + pa_error(count));
  PaDeviceIndex index = pick_device(device, count);
  if (index == paNoDevice) {
    std::string what =
        device.empty() ? "no audio input device" : "no audio input device '" + device + "'";
    int inputs = 0;
    for (PaDeviceIndex i = 0; i < count; ++i) inputs += pa().GetDeviceInfo(i)->maxInputChannels > 0;
    throw Error("mic", 0,
                what + " (PortAudio sees " + std::to_string(count) + " devices, " +
                    std::to_string(inputs) +
                    " with inputs): plug in a microphone; on Linux 'arecord -l' lists what "
                    "ALSA sees");
  }
  const PaDeviceInfo* info = pa().GetDeviceInfo(index);
  std::string name = std::string("mic:") + info->name;
  PaStreamParameters in{};
  in.device = index;
  in.channelCount = 1;
  in.sampleFormat = paInt16;
  in.suggestedLatency = info->defaultHighInputLatency;
  PaStream* stream = nullptr;
  {
    QuietStderr quiet;
    e = pa().IsFormatSupported(&in, nullptr, sample_rate);
    if (e == paFormatIsSupported)
      e = pa().OpenStream(&stream, &in, nullptr, sample_rate, paFramesPerBufferUnspecified,
                          paNoFlag, nullptr, nullptr);
    if (e == paNoError) e = pa().StartStream(stream);
  }
  if (e != paNoError) {
    if (stream) pa().CloseStream(stream);
    throw Error(name, 0,
                "cannot record " + std::to_string(sample_rate) + " Hz mono 16-bit: " + pa_error(e));
  }
  terminate.armed = false;
  return std::make_unique<PortAudioInput>(stream, sample_rate, name);
}

CaptureResult record_clips(AudioInput& input, const ClipOptions& options, SampleSink& sink) {
  const int rate = input.sample_rate();
  const long clip_frames = std::max(1L, std::lround(rate * options.length_ms / 1000.0));
  const std::string& word = sink.options().label;
  std::vector<int16_t> clip(static_cast<size_t>(clip_frames));
  std::vector<int16_t> discard(static_cast<size_t>(rate));
  double recorded_s = 0;
  CaptureResult result;
  for (;;) {
    if (auto why = stop_now(sink.full(), recorded_s, options.duration_s)) {
      result.reason = *why;
      break;
    }
    bool ok = true;
    if (options.countdown > 0) {
      sink.print("say \"" + word + "\" in ");
      for (int n = options.countdown; n >= 1 && ok; --n) {
        sink.print(std::to_string(n) + ", ");
        ok = input.read(discard.data(), rate);
        recorded_s += 1;
      }
      sink.print(ok ? "now\n" : "\n");
    }
    bool in_clip = ok;
    if (ok) ok = input.read(clip.data(), clip_frames);
    if (!ok) {
      bool stopped = interrupted();
      result.reason = stopped ? StopReason::kInterrupted : StopReason::kEnded;
      result.end = stopped ? StreamEnd::kStopped : StreamEnd::kEndOfInput;
      if (in_clip) {
        ++result.counts.partial;
        sink.warn(std::string("dropped the clip cut short by ") +
                  (stopped ? "Ctrl-C" : "the end of the input"));
      }
      break;
    }
    recorded_s += double(clip_frames) / rate;
    sink.write(AudioSample{rate, 1, clip});
  }
  return result;
}

int capture_mic(const CaptureTarget& target, const MicOptions& options) {
  if (options.rate <= 0 || options.length_ms <= 0)
    throw usage_error("--rate and --length-ms must be positive");
  auto input = open_microphone(options.device, options.rate);
  SampleSink sink(SinkOptions{target.dataset, target.label, target.group, input->name(), "audio",
                              target.count});
  ClipOptions clip{options.length_ms, options.countdown, target.duration_s};
  return finish_capture(record_clips(*input, clip, sink), sink);
}

}  // namespace tinyprep
