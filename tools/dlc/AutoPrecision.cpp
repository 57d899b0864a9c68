//===- AutoPrecision.cpp - choosing products' precision by measurement ----===//
//
// Every candidate compile runs in a dlc-run process (the host JIT runner
// installed next to dlc) on the same inputs: a calibration folder's, or
// random ones from a fixed seed. The fp32 compile's outputs are the
// reference; a candidate's error is the largest relative L2 error over
// the outputs, as dlc-run prints it.
//
//===----------------------------------------------------------------------===//

#include "AutoPrecision.h"
#include "dlc/Codegen/CPUTarget.h"
#include "dlc/Passes/OpInfo.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/Regex.h"
#include <algorithm>
#include <cmath>
#include <numeric>

using namespace llvm;
using namespace dlc::tool;

static Error makeError(const Twine &message) {
  return createStringError(inconvertibleErrorCode(), message);
}

/// Every ONNX node name in `loc`, in order, without repeats.
static std::vector<std::string> nodeNames(mlir::Location loc) {
  std::vector<std::string> names;
  loc->walk([&](mlir::Location l) {
    if (auto n = mlir::dyn_cast<mlir::NameLoc>(l)) {
      std::string s = n.getName().str();
      if (!llvm::is_contained(names, s))
        names.push_back(s);
    }
    return mlir::WalkResult::advance();
  });
  return names;
}

Expected<std::vector<Candidate>>
dlc::tool::demotableProducts(mlir::ModuleOp module, StringRef low,
                             bool mergeProducts) {
  mlir::OwningOpRef<mlir::ModuleOp> copy(module.clone());
  dlc::codegen::PrecisionOptions precision;
  precision.precision = low.str();
  if (failed(dlc::codegen::lowerToLinalg(*copy, mergeProducts, nullptr,
                                         precision)))
    return makeError("--precision=auto: lowering the model failed");
  std::vector<Candidate> out;
  copy->walk([&](mlir::Operation *op) {
    if (!op->hasAttr("dlc.precision"))
      return;
    Candidate c;
    c.nodes = nodeNames(op->getLoc());
    if (!c.nodes.empty())
      out.push_back(std::move(c));
  });
  return out;
}

namespace {

class Measurer {
public:
  Measurer(const AutoPrecisionRequest &r, raw_ostream &log)
      : r(r), log(log) {}

  /// Sets up the work folder, the inputs and the fp32 reference.
  Error prepare() {
    if (std::error_code ec =
            sys::fs::createUniqueDirectory("dlc-auto-precision", work))
      return makeError("--precision=auto: cannot create a work folder: " +
                       ec.message());
    if (!r.calibration.empty()) {
      if (Error e = calibrationInputs())
        return e;
    } else {
      inputFlags.push_back("--random-inputs=0");
    }
    std::vector<std::string> args = common();
    if (numberedInputs) {
      args.push_back("--test-dir");
      args.push_back(work.str().str());
    }
    args.push_back("--precision=fp32");
    args.push_back("--save-outputs=" + work.str().str());
    args.push_back("--output-format=test-dir");
    std::string out;
    if (!run(args, out))
      return makeError(
          Twine(r.calibration.empty()
                    ? "--precision=auto: the fp32 reference run failed"
                    : "--calibration " + r.calibration +
                          ": the fp32 reference run failed (do the inputs "
                          "match the model?)") +
          ":\n" + lastLines(out));
    return Error::success();
  }

  /// The error with `demoted` candidates in the low type; NaN on failure.
  double measure(const std::vector<bool> &demoted) {
    std::vector<std::string> args = common();
    args.push_back("--precision=" + r.low);
    std::string keep;
    for (auto [c, d] : llvm::zip(r.candidates, demoted))
      if (!d)
        for (const std::string &n : c.nodes)
          keep += (keep.empty() ? "" : ",") + n;
    if (!keep.empty())
      args.push_back("--keep-fp32=" + keep);
    args.push_back("--test-dir");
    args.push_back(work.str().str());
    args.push_back("--max-rel-l2=1e30");
    std::string out;
    ++runs;
    if (!run(args, out))
      return NAN;
    // "output 'NAME': max abs error A, max rel error R, relative L2 error
    // E, cosine similarity C", one line per output.
    Regex line("relative L2 error ([0-9.eE+-]+|inf|nan)");
    double worst = 0;
    bool any = false;
    StringRef rest(out);
    SmallVector<StringRef, 2> m;
    while (line.match(rest, &m)) {
      double v = NAN;
      if (m[1].getAsDouble(v) || std::isnan(v) || std::isinf(v))
        return INFINITY;
      worst = std::max(worst, v);
      any = true;
      rest = rest.drop_front(rest.find(m[0]) + m[0].size());
    }
    return any ? worst : NAN;
  }

  unsigned runs = 0;

  ~Measurer() {
    if (!work.empty())
      sys::fs::remove_directories(work);
  }

private:
  Error calibrationInputs() {
    if (!sys::fs::is_directory(r.calibration))
      return makeError("--calibration " + r.calibration +
                       ": not a folder");
    std::error_code ec;
    bool numbered = false;
    for (sys::fs::directory_iterator it(r.calibration, ec), end;
         it != end && !ec; it.increment(ec)) {
      StringRef file = sys::path::filename(it->path());
      if (file.starts_with("input_") && file.ends_with(".pb")) {
        SmallString<256> to(work);
        sys::path::append(to, file);
        if (std::error_code c = sys::fs::copy_file(it->path(), to))
          return makeError("--calibration: cannot copy " + it->path() +
                           ": " + c.message());
        numbered = true;
      } else if (file.ends_with(".npy")) {
        inputFlags.push_back("--input=" + sys::path::stem(file).str() + "=" +
                             it->path());
      }
    }
    if (ec)
      return makeError("--calibration " + r.calibration + ": " +
                       ec.message());
    if (!numbered && inputFlags.empty())
      return makeError("--calibration " + r.calibration +
                       ": no inputs (input_N.pb or NAME.npy files)");
    numberedInputs = numbered;
    if (numbered && !inputFlags.empty())
      return makeError("--calibration " + r.calibration +
                       ": both input_N.pb and .npy files; use one kind");
    return Error::success();
  }

  std::vector<std::string> common() {
    std::vector<std::string> args{r.dlcRun, r.model, "--target=cpu"};
    args.insert(args.end(), r.flags.begin(), r.flags.end());
    args.insert(args.end(), inputFlags.begin(), inputFlags.end());
    return args;
  }

  bool run(const std::vector<std::string> &args, std::string &output) {
    SmallString<256> log(work);
    sys::path::append(log, "run.log");
    std::vector<StringRef> refs(args.begin(), args.end());
    std::optional<StringRef> redirects[] = {std::nullopt, StringRef(log),
                                            StringRef(log)};
    std::string message;
    int rc = sys::ExecuteAndWait(args[0], refs, std::nullopt, redirects, 0, 0,
                                 &message);
    auto buffer = MemoryBuffer::getFile(log);
    output = buffer ? (*buffer)->getBuffer().str() : message;
    return rc == 0;
  }

  static std::string lastLines(StringRef text) {
    SmallVector<StringRef> lines;
    text.trim().split(lines, '\n');
    std::string out;
    for (size_t i = lines.size() > 5 ? lines.size() - 5 : 0; i < lines.size();
         ++i)
      out += "  " + lines[i].str() + "\n";
    return out;
  }

  const AutoPrecisionRequest &r;
  raw_ostream &log;
  SmallString<128> work;
  std::vector<std::string> inputFlags;
  bool numberedInputs = false; ///< input_N.pb files in the work folder
};

std::string fmt(double e) { return formatv("{0:e2}", e).str(); }

} // namespace

Expected<AutoPrecisionResult>
dlc::tool::choosePrecision(const AutoPrecisionRequest &r, raw_ostream &log) {
  size_t n = r.candidates.size();
  AutoPrecisionResult result;
  result.demoted.assign(n, false);
  if (n == 0) {
    log << "dlc: --precision=auto: the model has no product to demote\n";
    return result;
  }
  Measurer m(r, log);
  if (Error e = m.prepare())
    return e;
  auto within = [&](double e) { return !std::isnan(e) && e <= r.maxRelError; };

  std::vector<bool> all(n, true);
  double eAll = m.measure(all);
  log << "dlc: --precision=auto: " << n << " products; all in " << r.low
      << ": relative L2 error " << fmt(eAll) << " (budget "
      << fmt(r.maxRelError) << ")\n";
  if (within(eAll)) {
    result.demoted = all;
    result.error = eAll;
    result.runs = m.runs;
    return result;
  }

  // Sensitivity per group of consecutive products.
  size_t groups = std::min<size_t>(n, 6);
  std::vector<std::pair<size_t, size_t>> ranges; // [begin, end)
  for (size_t g = 0; g < groups; ++g)
    ranges.push_back({g * n / groups, (g + 1) * n / groups});
  std::vector<double> alone(groups);
  for (size_t g = 0; g < groups; ++g) {
    std::vector<bool> d(n, false);
    for (size_t i = ranges[g].first; i < ranges[g].second; ++i)
      d[i] = true;
    alone[g] = m.measure(d);
    log << "dlc:   products " << ranges[g].first + 1 << "-"
        << ranges[g].second << " alone in " << r.low << ": "
        << fmt(alone[g]) << "\n";
  }
  std::vector<size_t> order(groups);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    double x = std::isnan(alone[a]) ? INFINITY : alone[a];
    double y = std::isnan(alone[b]) ? INFINITY : alone[b];
    return x < y;
  });

  std::vector<bool> chosen(n, false);
  double error = 0;
  std::vector<std::pair<size_t, size_t>> rejected;
  auto tryAdd = [&](size_t begin, size_t end) {
    std::vector<bool> d(chosen);
    for (size_t i = begin; i < end; ++i)
      d[i] = true;
    double e = m.measure(d);
    bool ok = within(e);
    log << "dlc:   + products " << begin + 1 << "-" << end << ": "
        << fmt(e) << (ok ? " (kept)" : " (over the budget)") << "\n";
    if (ok) {
      chosen = d;
      error = e;
    }
    return ok;
  };
  for (size_t g : order) {
    if (!within(alone[g])) {
      rejected.push_back(ranges[g]);
      continue;
    }
    if (!tryAdd(ranges[g].first, ranges[g].second))
      rejected.push_back(ranges[g]);
  }
  // The halves of what did not fit as a whole.
  for (auto [begin, end] : rejected) {
    if (end - begin < 2)
      continue;
    size_t mid = begin + (end - begin) / 2;
    tryAdd(begin, mid);
    tryAdd(mid, end);
  }
  if (llvm::none_of(chosen, [](bool b) { return b; })) {
    std::vector<bool> none(n, false);
    error = m.measure(none);
  }
  result.demoted = chosen;
  result.error = error;
  result.runs = m.runs;
  return result;
}
