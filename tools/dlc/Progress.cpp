//===- Progress.cpp - dlc's progress line ---------------------------------===//

#include "Progress.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

using namespace std::chrono;

namespace dlc::tool {

ProgressLine::ProgressLine(bool enabled, milliseconds delay)
    : enabled(enabled), delay(delay), start(steady_clock::now()) {
  if (enabled)
    thread = std::thread([this] { run(); });
}

ProgressLine::~ProgressLine() { finish(); }

void ProgressLine::setStage(llvm::StringRef name, llvm::StringRef detail) {
  if (!enabled)
    return;
  std::lock_guard<std::mutex> lock(mutex);
  stage =
      detail.empty() ? name.str() : (llvm::Twine(name) + " " + detail).str();
  if (stage.size() > 72)
    stage = stage.substr(0, 69) + "...";
  drawLocked();
}

void ProgressLine::drawLocked() {
  steady_clock::duration elapsed = steady_clock::now() - start;
  if (done || elapsed < delay || stage.empty())
    return;
  llvm::errs() << "\r\x1b[Kdlc: "
               << llvm::format("%.0f", duration<double>(elapsed).count())
               << " s, " << stage;
  llvm::errs().flush();
  shown = true;
}

void ProgressLine::clearLocked() {
  if (!shown)
    return;
  llvm::errs() << "\r\x1b[K";
  llvm::errs().flush();
  shown = false;
}

void ProgressLine::clear() {
  if (!enabled)
    return;
  std::lock_guard<std::mutex> lock(mutex);
  clearLocked();
}

void ProgressLine::finish() {
  if (!enabled)
    return;
  {
    std::lock_guard<std::mutex> lock(mutex);
    done = true;
    clearLocked();
  }
  wake.notify_all();
  if (thread.joinable())
    thread.join();
}

void ProgressLine::run() {
  std::unique_lock<std::mutex> lock(mutex);
  while (!done) {
    wake.wait_for(lock, milliseconds(500));
    drawLocked();
  }
}

} // namespace dlc::tool
