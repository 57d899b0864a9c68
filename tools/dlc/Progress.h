//===- Progress.h - dlc's progress line -------------------------*- C++ -*-===//
//
// On a terminal, a compile that runs longer than a moment shows its current
// stage on one line of stderr, redrawn in place and cleared at the end.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_TOOLS_DLC_PROGRESS_H
#define DLC_TOOLS_DLC_PROGRESS_H

#include "llvm/ADT/StringRef.h"
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace dlc::tool {

class ProgressLine {
public:
  /// Nothing is drawn unless `enabled` (stderr is a terminal and -q is not
  /// given); the line appears once the compile has run for `delay`.
  ProgressLine(bool enabled, std::chrono::milliseconds delay);
  ~ProgressLine();

  /// The current stage ("ptxas") and its detail ("sm_90, 42 kernels").
  void setStage(llvm::StringRef stage, llvm::StringRef detail);
  /// Clears the line (before other output to stderr); it is redrawn at
  /// the next tick.
  void clear();
  /// Clears the line and stops drawing.
  void finish();

private:
  void run();
  void drawLocked();
  void clearLocked();

  bool enabled;
  std::chrono::milliseconds delay;
  std::chrono::steady_clock::time_point start;
  std::mutex mutex;
  std::condition_variable wake;
  std::string stage;
  bool shown = false, done = false;
  std::thread thread;
};

} // namespace dlc::tool

#endif // DLC_TOOLS_DLC_PROGRESS_H
