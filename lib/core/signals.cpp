#include "core/signals.h"

#include <csignal>

#include "core/error.h"

namespace tinyprep {
namespace {
volatile std::sig_atomic_t g_interrupted = 0;

extern "C" void on_signal(int) {
  g_interrupted = 1;
}
}  // namespace

void install_signal_handlers() {
  struct sigaction sa = {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: blocking reads return EINTR so loops can stop
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

bool interrupted() {
  return g_interrupted != 0;
}

void check_interrupted() {
  if (g_interrupted) throw interrupted_error();
}

void request_interrupt() {
  g_interrupted = 1;
}

}  // namespace tinyprep
