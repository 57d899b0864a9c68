//===- dlc-run.cpp - compile and run a model, compare with references -----===//
//
//   dlc-run MODEL.onnx --target=cpu --test-dir DIR [--rtol R] [--atol A]
//   dlc-run MODEL.onnx --target=cpu --input NAME=FILE.npy|FILE.pb ...
//           [--repeat N]
//   dlc-run MODEL.onnx --target=gpu-emu ...   GPU-mapped kernels on the host
//   dlc-run MODEL.onnx --target=cuda:sm_90 ... (on a machine with a GPU)
//
// Compiles the model in-process exactly as `dlc --target=cpu` does, loads
// the object with LLVM's ORC linker and runs it through the dlc runtime.
// With --test-dir (the ONNX backend test layout: input_N.pb, output_N.pb)
// it compares every output and exits 1 naming the worst element.
//
//===----------------------------------------------------------------------===//

#include "TensorIO.h"
#include "dlc/Codegen/CPUTarget.h"
#include "dlc/Codegen/GPUTarget.h"
#include "dlc/Compiler/Importer.h"
#include "dlc/runtime.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/ExecutionEngine/Orc/AbsoluteSymbols.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/WithColor.h"
#include <algorithm>
#include <chrono>
#include <random>
#include <unistd.h>
#include <cmath>
#include <cstring>

using namespace llvm;
using namespace dlc::run;

namespace {
cl::OptionCategory runCategory("dlc-run options");

cl::opt<std::string> modelPath(cl::Positional, cl::desc("<model.onnx>"),
                               cl::Required, cl::cat(runCategory));
cl::opt<std::string> target(
    "target",
    cl::desc("Target: cpu (default), gpu-emu (the GPU-mapped kernels run on "
             "the host), cuda:sm_XY or rocm:gfxNNN (run on a GPU)"),
    cl::init("cpu"), cl::cat(runCategory));
cl::opt<std::string> testDir(
    "test-dir",
    cl::desc("Folder with input_N.pb and output_N.pb (ONNX test layout)"),
    cl::value_desc("DIR"), cl::init(""), cl::cat(runCategory));
cl::list<std::string> inputFiles(
    "input", cl::desc("An input from a .npy or TensorProto .pb file"),
    cl::value_desc("NAME=FILE"), cl::cat(runCategory));
cl::opt<double> rtol("rtol", cl::desc("Relative tolerance (default 1e-3)"),
                     cl::init(1e-3), cl::cat(runCategory));
cl::opt<double> atol("atol", cl::desc("Absolute tolerance (default 1e-7)"),
                     cl::init(1e-7), cl::cat(runCategory));
cl::opt<double> maxRelL2(
    "max-rel-l2",
    cl::desc("Pass a floating-point output when its relative L2 error "
             "||got - want|| / ||want|| is at most E, instead of the "
             "elementwise --rtol/--atol test (for low-precision runs)"),
    cl::value_desc("E"), cl::init(0), cl::cat(runCategory));
cl::opt<unsigned> repeat("repeat",
                         cl::desc("Run N times and print the timing"),
                         cl::init(1), cl::cat(runCategory));
cl::opt<std::string> device(
    "device",
    cl::desc("Runtime device spec (default: cpu; cuda for --target=cuda, "
             "hip for --target=rocm)"),
    cl::init("cpu"), cl::cat(runCategory));
cl::list<std::string> inputShapes(
    "input-shape", cl::desc("Static shape of a graph input"),
    cl::value_desc("NAME=DIMS"), cl::cat(runCategory));
cl::list<std::string> freezeInputs(
    "freeze-input",
    cl::desc("Compile a graph input as the constant in a TensorProto file "
             "(for shape-like inputs such as axes or Resize scales)"),
    cl::value_desc("NAME=FILE.pb"), cl::cat(runCategory));
cl::opt<std::string> cpuName("cpu", cl::desc("CPU to compile for"),
                             cl::init("host"), cl::cat(runCategory));
cl::opt<bool> profile(
    "profile",
    cl::desc("--target=cpu: time every kernel over the runs and print them, "
             "largest first (ms per run, share, GFLOP/s, kind, ONNX nodes, "
             "strategy)"),
    cl::cat(runCategory));
cl::opt<std::string> cpuKernels(
    "cpu-kernels",
    cl::desc("Contractions on --target=cpu: tiled (default) or loops"),
    cl::value_desc("tiled|loops"), cl::init("tiled"), cl::cat(runCategory));

cl::opt<std::string> precisionFlag(
    "precision",
    cl::desc("Products and convolutions in fp32 (default), tf32, fp16 or "
             "bf16 with f32 accumulation (as dlc --precision)"),
    cl::value_desc("fp32|tf32|fp16|bf16"), cl::init("fp32"),
    cl::cat(runCategory));
cl::opt<std::string> ioPrecision(
    "io-precision",
    cl::desc("The model's interface types as dlc --io-precision: model "
             "(default), fp16 or bf16; float32 inputs are converted to it "
             "and its outputs compared with float32 references"),
    cl::value_desc("model|fp16|bf16"), cl::init("model"),
    cl::cat(runCategory));
cl::opt<int64_t> randomInputs(
    "random-inputs",
    cl::desc("Inputs not given by --test-dir or --input get random values "
             "from this seed (floats: standard normal; integers and "
             "booleans: 0 or 1) instead of zeros"),
    cl::value_desc("SEED"), cl::init(-1), cl::cat(runCategory));
cl::opt<int64_t> precisionMinTerms(
    "precision-min-terms",
    cl::desc("With --precision: products summing fewer terms per output "
             "stay f32 (default 32; 1 demotes every product)"),
    cl::init(32), cl::cat(runCategory));
cl::list<std::string> keepFp32(
    "keep-fp32", cl::desc("ONNX nodes whose products stay f32"),
    cl::value_desc("NODE[,NODE...]"), cl::CommaSeparated,
    cl::cat(runCategory));

/// The bytes of a model tensor, or an error when they do not fit in this
/// machine's memory (the allocation would abort the process).
Expected<size_t> hostBytes(const dlc_tensor_info &ti, const char *role) {
  uint64_t n = dlc_dtype_size(ti.dtype), limit =
      uint64_t(sysconf(_SC_PHYS_PAGES)) * uint64_t(sysconf(_SC_PAGE_SIZE));
  for (int32_t d = 0; d < ti.rank; ++d)
    if (ti.shape[d] < 0 || __builtin_mul_overflow(n, uint64_t(ti.shape[d]), &n))
      n = UINT64_MAX;
  if (n > limit)
    return createStringError(inconvertibleErrorCode(),
                             Twine(role) + " '" + ti.name + "' " +
                                 shapeString(ArrayRef<int64_t>(
                                     ti.shape, ti.shape + ti.rank)) +
                                 " does not fit in this machine's memory");
  return size_t(n);
}

/// Fills `t` with random values from `seed`: floats standard normal,
/// integers and booleans 0 or 1 (valid token ids, masks and indices).
Error fillRandom(HostTensor &t, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_int_distribution<int> bit(0, 1);
  size_t size = dlc_dtype_size(t.dtype);
  size_t n = size ? t.bytes.size() / size : 0;
  char *p = t.bytes.data();
  for (size_t i = 0; i < n; ++i, p += size) {
    switch (t.dtype) {
    case 1: { // float
      float v = normal(rng);
      std::memcpy(p, &v, sizeof v);
      break;
    }
    case 11: { // double
      double v = normal(rng);
      std::memcpy(p, &v, sizeof v);
      break;
    }
    case 2: case 3: case 4: case 5: case 6: case 7: case 9: case 12:
    case 13: { // integers, bool: 0 or 1, little endian
      std::memset(p, 0, size);
      p[0] = char(bit(rng));
      break;
    }
    default:
      return createStringError(inconvertibleErrorCode(),
                               "--random-inputs: input '" + t.name +
                                   "' has a type without random values "
                                   "(dtype " + std::to_string(t.dtype) + ")");
    }
  }
  return Error::success();
}

// Kernel timers of --profile, called by the instrumented model (which runs
// its kernels one after another on the calling thread).
std::vector<double> profileMs;
std::chrono::steady_clock::time_point profileStart;
extern "C" void dlc_profile_enter(int32_t) {
  profileStart = std::chrono::steady_clock::now();
}
extern "C" void dlc_profile_exit(int32_t id) {
  if (id >= 0 && size_t(id) < profileMs.size())
    profileMs[id] += std::chrono::duration<double, std::milli>(
                         std::chrono::steady_clock::now() - profileStart)
                         .count();
}

/// The --profile table: kernels by total time, largest first.
void printProfile(const std::vector<dlc::codegen::KernelInfo> &kernels,
                  unsigned runs, const std::vector<double> &times) {
  double total = 0, wall = 0;
  for (double t : profileMs)
    total += t;
  for (double t : times)
    wall += t;
  std::vector<size_t> order(kernels.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::sort(order.begin(), order.end(),
            [](size_t a, size_t b) { return profileMs[a] > profileMs[b]; });
  outs() << format("profile: %zu kernels, %.3f ms per run in kernels, "
                   "%.3f ms per run in all\n",
                   kernels.size(), total / runs, wall / runs);
  outs() << "   id      ms/run      %   GFLOP/s  kind / nodes / strategy\n";
  for (size_t i : order) {
    const dlc::codegen::KernelInfo &k = kernels[i];
    double ms = profileMs[i] / runs;
    double gflops = ms > 0 ? double(k.flops) / (ms * 1e6) : 0;
    std::string nodes;
    for (size_t n = 0; n < k.nodes.size() && n < 3; ++n)
      nodes += (n ? ", " : "") + k.nodes[n];
    if (k.nodes.size() > 3)
      nodes += ", +" + std::to_string(k.nodes.size() - 3);
    outs() << format("%5zu %11.4f %6.2f %9.1f  ", i, ms,
                     total > 0 ? 100.0 * profileMs[i] / total : 0.0, gflops)
           << k.kind << " [" << nodes << "] " << k.strategy << "\n";
  }
}
cl::opt<std::string> tensorCores(
    "tensor-cores",
    cl::desc("GPU targets: the tensor-core kernels of fp16 / bf16 products, "
             "as dlc --tensor-cores (auto, none, mma.sync or mfma; "
             "--target=gpu-emu --tensor-cores=mfma emulates the AMD "
             "kernels)"),
    cl::value_desc("auto|none|mma.sync|mfma"), cl::init("auto"),
    cl::cat(runCategory));

cl::opt<std::string> emuCheck(
    "emu-check",
    cl::desc("--target=gpu-emu checking mode: 'races' fails the run on "
             "accesses of workgroup or global memory by two threads of a "
             "block between two barriers (and reads before an async copy's "
             "wait) and runs each phase's threads in reverse; "
             "'order=forward|reverse|shuffle:SEED' sets the thread order "
             "(comma-separated, e.g. races,order=shuffle:7)"),
    cl::value_desc("races[,order=...]"), cl::init(""), cl::cat(runCategory));

cl::opt<bool> reportStackFrames(
    "report-stack-frames",
    cl::desc("Print the largest stack frame of the compiled code; fail if "
             "a frame is over 64 KiB or allocates dynamically"),
    cl::init(false), cl::cat(runCategory));

cl::opt<std::string> saveOutputs(
    "save-outputs",
    cl::desc("Write every output of the (last) run to DIR as NAME.npy, or "
             "NAME.pb with --output-format=pb (NAME: the output's name with "
             "characters other than letters, digits, '.', '-', '_' as '_'); "
             "DIR is created if missing"),
    cl::value_desc("DIR"), cl::init(""), cl::cat(runCategory));
cl::opt<std::string> outputFormat(
    "output-format",
    cl::desc("File format of --save-outputs: npy (NAME.npy, NumPy, the "
             "default), pb (NAME.pb, ONNX TensorProto) or test-dir "
             "(output_N.pb: the references --test-dir reads)"),
    cl::value_desc("npy|pb|test-dir"), cl::init("npy"),
    cl::cat(runCategory));

/// --save-outputs: creates the folder (before the compile, so that a bad
/// folder fails fast).
Error prepareOutputFolder(StringRef dir) {
  if (std::error_code ec = sys::fs::create_directories(dir))
    return createStringError(ec, "--save-outputs: cannot create folder '" +
                                     dir + "': " + ec.message());
  if (std::error_code ec = sys::fs::access(dir, sys::fs::AccessMode::Write))
    return createStringError(ec, "--save-outputs: folder '" + dir +
                                     "' is not writable: " + ec.message());
  return Error::success();
}

/// Writes each output to DIR/NAME.npy|pb; names equal after sanitizing get
/// a suffix (_1, _2, ...).
Error saveOutputFiles(StringRef dir, const std::vector<HostTensor> &outputs) {
  // test-dir: output_N.pb, the layout --test-dir reads references from.
  bool numbered = outputFormat == "test-dir";
  bool pb = outputFormat == "pb" || numbered;
  // bfloat16 has no NumPy dtype: refuse before writing any file.
  for (const HostTensor &t : outputs)
    if (!pb && t.dtype == DLC_BFLOAT16)
      return createStringError(inconvertibleErrorCode(),
                               "--save-outputs: output '" + t.name +
                                   "' is bfloat16, which has no .npy dtype "
                                   "(use --output-format=pb)");
  std::vector<std::string> used;
  for (const HostTensor &t : outputs) {
    std::string base = numbered ? "output_" + std::to_string(used.size())
                                : sanitizeFileName(t.name),
                name = base;
    for (int i = 1; llvm::is_contained(used, name); ++i)
      name = base + "_" + std::to_string(i);
    used.push_back(name);
    SmallString<256> path(dir);
    sys::path::append(path, name + (pb ? ".pb" : ".npy"));
    if (Error e = pb ? writePb(path, t) : writeNpy(path, t))
      return createStringError(inconvertibleErrorCode(),
                               "--save-outputs: cannot write '" + path +
                                   "': " + toString(std::move(e)));
  }
  return Error::success();
}

int fail(const Twine &message) {
  WithColor::error(errs(), "dlc-run") << message << "\n";
  return 1;
}

std::string indexString(size_t flat, ArrayRef<int64_t> shape) {
  SmallVector<int64_t> idx(shape.size());
  for (int64_t d = shape.size() - 1; d >= 0; --d) {
    idx[d] = shape[d] ? flat % shape[d] : 0;
    flat = shape[d] ? flat / shape[d] : 0;
  }
  return shapeString(idx);
}

/// Error metrics of one floating-point output against its reference.
struct ErrorMetrics {
  double maxAbs = 0, maxRel = 0, relL2 = 0, cosine = 1;
};

std::string metricsString(StringRef name, const ErrorMetrics &m) {
  return formatv("output '{0}': max abs error {1}, max rel error {2}, "
                 "relative L2 error {3}, cosine similarity {4}",
                 name, format("%.3g", m.maxAbs), format("%.3g", m.maxRel),
                 format("%.3g", m.relL2), format("%.9f", m.cosine))
      .str();
}

/// Compares `got` with `want`; returns false and prints the worst element
/// on a mismatch. Floating-point outputs also get their error metrics in
/// `lines` (printed by the caller).
bool compare(const HostTensor &got, const HostTensor &want,
             std::vector<std::string> &lines) {
  // --io-precision: a float16 / bfloat16 output against a float32
  // reference, compared as values.
  bool narrowed = ioPrecision != "model" && want.dtype == DLC_FLOAT32 &&
                  (got.dtype == DLC_FLOAT16 || got.dtype == DLC_BFLOAT16);
  if ((got.dtype != want.dtype && !narrowed) || got.shape != want.shape) {
    errs() << "output '" << got.name << "': the model gives "
           << dlc_dtype_name(got.dtype) << shapeString(got.shape)
           << ", the reference is " << dlc_dtype_name(want.dtype)
           << shapeString(want.shape) << "\n";
    return false;
  }
  size_t n = got.bytes.size() / std::max<size_t>(1, dlc_dtype_size(got.dtype));
  bool exact = !(got.dtype == DLC_FLOAT32 || got.dtype == DLC_FLOAT64 ||
                 got.dtype == DLC_FLOAT16 || got.dtype == DLC_BFLOAT16);
  double worstExcess = 0;
  size_t worst = 0, bad = 0;
  ErrorMetrics m;
  double diff2 = 0, want2 = 0, got2 = 0, dot = 0;
  for (size_t i = 0; i < n; ++i) {
    double g = elementAsDouble(got, i), w = elementAsDouble(want, i);
    if (!exact) {
      double d = std::fabs(g - w);
      if (std::isnan(g) != std::isnan(w) || (!std::isnan(g) && g != w &&
                                             (std::isinf(g) || std::isinf(w))))
        d = INFINITY;
      else if (std::isnan(g) || g == w)
        d = 0;
      m.maxAbs = std::max(m.maxAbs, d);
      if (w != 0 && std::isfinite(w))
        m.maxRel = std::max(m.maxRel, d / std::fabs(w));
      else if (d > 0)
        m.maxRel = INFINITY;
      if (std::isfinite(g) && std::isfinite(w)) {
        diff2 += (g - w) * (g - w);
        want2 += w * w;
        got2 += g * g;
        dot += g * w;
      } else if (d > 0) {
        diff2 = INFINITY;
      }
    }
    bool ok;
    double excess;
    if (std::isnan(w) || std::isnan(g)) {
      ok = std::isnan(w) && std::isnan(g);
      excess = ok ? 0 : INFINITY;
    } else if (std::isinf(w) || std::isinf(g)) {
      ok = g == w;
      excess = ok ? 0 : INFINITY;
    } else if (exact) {
      ok = g == w;
      excess = std::fabs(g - w);
    } else {
      double diff = std::fabs(g - w), allowed = atol + rtol * std::fabs(w);
      ok = diff <= allowed;
      excess = diff - allowed;
    }
    if (!ok) {
      ++bad;
      if (bad == 1 || excess > worstExcess) {
        worstExcess = excess;
        worst = i;
      }
    }
  }
  if (!exact) {
    m.relL2 = want2 > 0 ? std::sqrt(diff2 / want2) : std::sqrt(diff2);
    m.cosine = (got2 > 0 && want2 > 0) ? dot / std::sqrt(got2 * want2)
               : (got2 == want2)      ? 1.0
                                      : 0.0;
    if (std::isinf(diff2))
      m.cosine = NAN;
    lines.push_back(metricsString(got.name, m));
    if (maxRelL2 > 0) {
      if (m.relL2 <= maxRelL2)
        return true;
      errs() << "output '" << got.name << "': relative L2 error "
             << format("%.3g", m.relL2) << " exceeds --max-rel-l2 "
             << format("%g", double(maxRelL2)) << "\n";
      return false;
    }
  }
  if (!bad)
    return true;
  errs() << "output '" << got.name << "': " << bad << " of " << n
         << " elements differ (rtol " << rtol << ", atol " << atol
         << "); worst at index " << indexString(worst, got.shape) << ": got "
         << format("%.9g", elementAsDouble(got, worst)) << ", expected "
         << format("%.9g", elementAsDouble(want, worst)) << "\n";
  return false;
}

Expected<std::vector<HostTensor>> readNumbered(StringRef dir,
                                               StringRef prefix,
                                               mlir::MLIRContext &context) {
  std::vector<HostTensor> list;
  for (int i = 0;; ++i) {
    SmallString<256> path(dir);
    sys::path::append(path, prefix + Twine(i) + ".pb");
    if (!sys::fs::exists(path))
      break;
    auto t = readPb(path, context);
    if (!t)
      return t.takeError();
    list.push_back(std::move(*t));
  }
  return list;
}

} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(runCategory);
  cl::ParseCommandLineOptions(
      argc, argv,
      "dlc-run: compile an ONNX model with dlc, run it, compare outputs\n");
  std::optional<dlc::codegen::GPUOptions> gpu;
  if (target != "cpu") {
    auto parsed = dlc::codegen::parseGPUTarget(target);
    if (!parsed)
      return fail(toString(parsed.takeError()));
    gpu = *parsed;
    gpu->tensorCores = tensorCores;
    if (Error e = dlc::codegen::checkTensorCores(*gpu))
      return fail(toString(std::move(e)));
    if (!emuCheck.empty())
      if (Error e = dlc::codegen::parseEmuCheck(emuCheck, *gpu))
        return fail(toString(std::move(e)));
    if (device.getNumOccurrences() == 0 &&
        gpu->vendor != dlc::codegen::GPUVendor::Emulated)
      device = gpu->vendor == dlc::codegen::GPUVendor::NVIDIA ? "cuda" : "hip";
  }
  if (!emuCheck.empty() && !gpu)
    return fail("--emu-check is for --target=gpu-emu");
  if (tensorCores.getNumOccurrences() && !gpu)
    return fail("--tensor-cores is for GPU targets");
  if (maxRelL2.getNumOccurrences() &&
      !(maxRelL2 > 0 && std::isfinite(double(maxRelL2)))) {
    char value[32];
    std::snprintf(value, sizeof(value), "%g", double(maxRelL2));
    return fail("--max-rel-l2 must be a positive number, got " +
                Twine(value));
  }
  if (outputFormat != "npy" && outputFormat != "pb" &&
      outputFormat != "test-dir")
    return fail("--output-format must be 'npy', 'pb' or 'test-dir', got '" +
                outputFormat + "'");
  if (outputFormat.getNumOccurrences() && saveOutputs.empty())
    return fail("--output-format is the format of --save-outputs=DIR");
  if (!saveOutputs.empty())
    if (Error e = prepareOutputFolder(saveOutputs))
      return fail(toString(std::move(e)));
  if (randomInputs < -1)
    return fail("--random-inputs must be a seed >= 0");
  if (testDir.empty() && inputFiles.empty() && repeat <= 1 &&
      saveOutputs.empty() && randomInputs < 0)
    return fail("nothing to do: give --test-dir DIR, --input NAME=FILE, "
                "--save-outputs DIR, --random-inputs SEED or --repeat N");

  mlir::DialectRegistry registry;
  dlc::codegen::registerCodegenDialects(registry);
  dlc::codegen::registerCodegenPasses();
  mlir::MLIRContext context(registry);
  // Diagnostics name the ONNX node; a dump of the whole op is noise.
  context.printOpOnDiagnostic(false);
  context.getDiagEngine().registerHandler([](mlir::Diagnostic &diag) {
    errs() << modelPath << ": "
           << (diag.getSeverity() == mlir::DiagnosticSeverity::Error
                   ? "error: "
                   : "note: ")
           << diag.str() << "\n";
  });

  dlc::ImportOptions options;
  for (const std::string &spec : inputShapes)
    if (Error e = dlc::parseInputShape(spec, options))
      return fail(toString(std::move(e)));
  for (const std::string &spec : freezeInputs) {
    auto [name, file] = StringRef(spec).split('=');
    if (name.empty() || file.empty())
      return fail("--freeze-input expects NAME=FILE.pb, got '" + spec + "'");
    options.frozenInputs[name] = file.str();
  }
  if (!sys::fs::exists(modelPath))
    return fail("'" + modelPath + "': no such file");
  auto module = dlc::importOnnxFile(modelPath, context, options);
  if (!module)
    return 1;

  auto start = std::chrono::steady_clock::now();
  dlc::codegen::CPUOptions cpu;
  cpu.cpu = cpuName;
  if (cpuKernels != "tiled" && cpuKernels != "loops")
    return fail("--cpu-kernels must be 'tiled' or 'loops', got '" +
                cpuKernels + "'");
  cpu.tileContractions = cpuKernels == "tiled";
  cpu.profile = profile;
  if (Error e = dlc::codegen::checkPrecision(precisionFlag))
    return fail(toString(std::move(e)));
  cpu.precision.precision = precisionFlag;
  cpu.precision.keepFp32.assign(keepFp32.begin(), keepFp32.end());
  if (Error e = dlc::codegen::checkIOPrecision(ioPrecision))
    return fail(toString(std::move(e)));
  cpu.precision.ioPrecision = ioPrecision;
  if (precisionMinTerms < 1)
    return fail("--precision-min-terms must be at least 1");
  cpu.precision.minReductionTerms = precisionMinTerms;
  if (profile && gpu)
    return fail("--profile times the kernels of --target=cpu only");
  std::vector<dlc::codegen::KernelInfo> kernels;
  cpu.measureStackFrames = reportStackFrames;
  SmallVector<char, 0> objectCode;
  std::vector<dlc::codegen::StackFrame> frames;
  if (gpu) {
    gpu->measureStackFrames = reportStackFrames;
    gpu->precision = cpu.precision;
    auto compiled = dlc::codegen::compileForGPU(*module, "model", *gpu,
                                                /*externalWeights=*/false);
    if (!compiled)
      return fail(toString(compiled.takeError()));
    for (const std::string &w : compiled->warnings)
      WithColor::warning(errs(), "dlc-run") << w << "\n";
    objectCode = std::move(compiled->object);
    frames = std::move(compiled->stackFrames);
  } else {
    auto compiled = dlc::codegen::compileForCPU(*module, "model", cpu);
    if (!compiled)
      return fail(toString(compiled.takeError()));
    objectCode = std::move(compiled->object);
    kernels = compiled->signature.kernels;

    frames = std::move(compiled->stackFrames);
  }
  if (reportStackFrames) {
    if (unsigned over =
            dlc::codegen::printStackFrames(outs(), "dlc-run", frames))
      return fail(Twine(over) + " stack frame(s) over the bound of " +
                  Twine(dlc::codegen::kMaxStackFrameBytes) +
                  " bytes or dynamic");
  }
  double compileMs = std::chrono::duration<double, std::milli>(
                         std::chrono::steady_clock::now() - start)
                         .count();

  // Load the object in-process. Runtime and libc symbols resolve against
  // this executable.
  InitializeNativeTarget();
  InitializeNativeTargetAsmPrinter();
  auto jit = orc::LLJITBuilder().create();
  if (!jit)
    return fail(toString(jit.takeError()));
  orc::JITDylib &lib = (*jit)->getMainJITDylib();
  orc::SymbolMap runtimeSymbols;
  runtimeSymbols[(*jit)->mangleAndIntern("dlc_parallel_for")] = {
      orc::ExecutorAddr::fromPtr(&dlc_parallel_for),
      JITSymbolFlags::Exported | JITSymbolFlags::Callable};
  runtimeSymbols[(*jit)->mangleAndIntern("dlc_gpu_launch")] = {
      orc::ExecutorAddr::fromPtr(&dlc_gpu_launch),
      JITSymbolFlags::Exported | JITSymbolFlags::Callable};
  // The race check of gpu-emu (runtime/lib/EmuCheck.cpp).
  for (auto [name, fn] : std::initializer_list<std::pair<const char *, void *>>{
           {"dlc_emu_launch_begin", (void *)&dlc_emu_launch_begin},
           {"dlc_emu_launch_end", (void *)&dlc_emu_launch_end},
           {"dlc_emu_block_begin", (void *)&dlc_emu_block_begin},
           {"dlc_emu_block_end", (void *)&dlc_emu_block_end},
           {"dlc_emu_phase_order", (void *)&dlc_emu_phase_order},
           {"dlc_emu_thread_at", (void *)&dlc_emu_thread_at},
           {"dlc_emu_barrier", (void *)&dlc_emu_barrier},
           {"dlc_emu_access", (void *)&dlc_emu_access},
           {"dlc_emu_async_copy", (void *)&dlc_emu_async_copy},
           {"dlc_emu_async_commit", (void *)&dlc_emu_async_commit},
           {"dlc_emu_async_wait", (void *)&dlc_emu_async_wait}})
    runtimeSymbols[(*jit)->mangleAndIntern(name)] = {
        orc::ExecutorAddr::fromPtr(fn),
        JITSymbolFlags::Exported | JITSymbolFlags::Callable};
  if (profile) {
    profileMs.assign(kernels.size(), 0.0);
    runtimeSymbols[(*jit)->mangleAndIntern("dlc_profile_enter")] = {
        orc::ExecutorAddr::fromPtr(&dlc_profile_enter),
        JITSymbolFlags::Exported | JITSymbolFlags::Callable};
    runtimeSymbols[(*jit)->mangleAndIntern("dlc_profile_exit")] = {
        orc::ExecutorAddr::fromPtr(&dlc_profile_exit),
        JITSymbolFlags::Exported | JITSymbolFlags::Callable};
  }
  if (Error e = lib.define(orc::absoluteSymbols(std::move(runtimeSymbols))))
    return fail(toString(std::move(e)));
  auto generator = orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
      (*jit)->getDataLayout().getGlobalPrefix());
  if (!generator)
    return fail(toString(generator.takeError()));
  lib.addGenerator(std::move(*generator));
  StringRef objectBytes(objectCode.data(), objectCode.size());
  if (Error e = (*jit)->addObjectFile(
          MemoryBuffer::getMemBufferCopy(objectBytes, "model.o")))
    return fail(toString(std::move(e)));
  auto infoAddr = (*jit)->lookup("model_info");
  if (!infoAddr)
    return fail(toString(infoAddr.takeError()));
  const auto *info = infoAddr->toPtr<const dlc_model_info *>();

  // Inputs: the test folder's, then --input files, then zeros.
  std::vector<HostTensor> inputs, references;
  if (!testDir.empty()) {
    auto in = readNumbered(testDir, "input_", context);
    if (!in)
      return fail(toString(in.takeError()));
    auto out = readNumbered(testDir, "output_", context);
    if (!out)
      return fail(toString(out.takeError()));
    inputs = std::move(*in);
    references = std::move(*out);
  }
  for (const std::string &spec : inputFiles) {
    auto [name, file] = StringRef(spec).split('=');
    if (name.empty() || file.empty())
      return fail("--input expects NAME=FILE, got '" + spec + "'");
    auto t = file.ends_with(".npy") ? readNpy(file, name)
                                    : readPb(file, context);
    if (!t)
      return fail(toString(t.takeError()));
    t->name = name.str();
    inputs.push_back(std::move(*t));
  }
  // Order the inputs as the model declares them (by name when given).
  std::vector<HostTensor> ordered(info->num_inputs);
  for (int32_t i = 0; i < info->num_inputs; ++i) {
    const dlc_tensor_info &ti = info->inputs[i];
    auto it = std::find_if(inputs.begin(), inputs.end(),
                           [&](const HostTensor &t) {
                             return t.name == ti.name;
                           });
    if (it == inputs.end() && size_t(i) < inputs.size() && !testDir.empty())
      it = inputs.begin() + i;
    if (it != inputs.end()) {
      ordered[i] = *it;
      // --io-precision: float32 data for a float16 / bfloat16 input.
      bool narrowed = ti.dtype == DLC_FLOAT16 || ti.dtype == DLC_BFLOAT16;
      if (ioPrecision != "model" && narrowed &&
          ordered[i].dtype == DLC_FLOAT32)
        convertFloats(ordered[i], ti.dtype);
    } else {
      ordered[i].name = ti.name;
      ordered[i].dtype = ti.dtype;
      ordered[i].shape.assign(ti.shape, ti.shape + ti.rank);
      auto bytes = hostBytes(ti, "input");
      if (!bytes)
        return fail(toString(bytes.takeError()));
      ordered[i].bytes.assign(*bytes, 0);
      if (randomInputs >= 0) {
        // 16-bit floats: the float32 values, rounded.
        int32_t dtype = ordered[i].dtype;
        bool narrow = dtype == DLC_FLOAT16 || dtype == DLC_BFLOAT16;
        if (narrow) {
          ordered[i].dtype = DLC_FLOAT32;
          ordered[i].bytes.assign(ordered[i].bytes.size() * 2, 0);
        }
        if (Error e = fillRandom(ordered[i], uint64_t(randomInputs) + i))
          return fail(toString(std::move(e)));
        if (narrow)
          convertFloats(ordered[i], dtype);
      } else if (!testDir.empty() || !inputFiles.empty()) {
        return fail("no value for input '" + Twine(ti.name) + "'");
      }
    }
  }
  std::vector<HostTensor> outputs(info->num_outputs);
  for (int32_t i = 0; i < info->num_outputs; ++i) {
    const dlc_tensor_info &ti = info->outputs[i];
    outputs[i].name = ti.name;
    outputs[i].dtype = ti.dtype;
    outputs[i].shape.assign(ti.shape, ti.shape + ti.rank);
    auto bytes = hostBytes(ti, "output");
    if (!bytes)
      return fail(toString(bytes.takeError()));
    outputs[i].bytes.assign(*bytes, 0);
  }

  dlc_device *dev = nullptr;
  if (dlc_device_create(device.c_str(), &dev) != DLC_OK)
    return fail(dlc_last_error());
  dlc_model *model = nullptr;
  SmallString<256> weightsDir(modelPath);
  sys::path::remove_filename(weightsDir);
  if (dlc_model_create(info, dev, weightsDir.c_str(), &model) != DLC_OK) {
    std::string message = dlc_last_error();
    dlc_device_destroy(dev);
    return fail(message);
  }
  // Empty tensors still get a valid pointer.
  for (HostTensor &t : ordered)
    t.bytes.reserve(1);
  for (HostTensor &t : outputs)
    t.bytes.reserve(1);
  std::vector<dlc_tensor> in(ordered.size()), out(outputs.size());
  for (size_t i = 0; i < ordered.size(); ++i)
    in[i] = {ordered[i].dtype, int32_t(ordered[i].shape.size()),
             ordered[i].shape.data(), ordered[i].bytes.data(),
             ordered[i].bytes.size()};
  for (size_t i = 0; i < outputs.size(); ++i)
    out[i] = {outputs[i].dtype, int32_t(outputs[i].shape.size()),
              outputs[i].shape.data(), outputs[i].bytes.data(),
              outputs[i].bytes.size()};
  std::vector<double> times;
  int status = 0;
  for (unsigned r = 0; r < std::max(1u, unsigned(repeat)); ++r) {
    auto t0 = std::chrono::steady_clock::now();
    if (dlc_model_run(model, in.data(), int32_t(in.size()), out.data(),
                      int32_t(out.size())) != DLC_OK) {
      errs() << "dlc-run: error: " << dlc_last_error() << "\n";
      status = 1;
      break;
    }
    times.push_back(std::chrono::duration<double, std::milli>(
                        std::chrono::steady_clock::now() - t0)
                        .count());
  }
  dlc_model_destroy(model);
  dlc_device_destroy(dev);
  if (status)
    return status;
  if (gpu && gpu->emuCheckRaces)
    outs() << "dlc-run: gpu-emu race check: no races\n";
  if (!saveOutputs.empty()) {
    if (Error e = saveOutputFiles(saveOutputs, outputs))
      return fail(toString(std::move(e)));
    outs() << "dlc-run: wrote " << outputs.size() << " output(s) to "
           << saveOutputs << " (" << outputFormat << ")\n";
  }

  if (profile)
    printProfile(kernels, std::max(1u, unsigned(repeat)), times);
  if (repeat > 1) {
    std::vector<double> sorted(times);
    std::sort(sorted.begin(), sorted.end());
    outs() << format("compile %.1f ms; run median %.3f ms, min %.3f ms over "
                     "%u runs\n",
                     compileMs, sorted[sorted.size() / 2], sorted.front(),
                     unsigned(repeat));
  }
  // A test folder with inputs only, run to record its outputs.
  bool recording = references.empty() && !saveOutputs.empty();
  if (!testDir.empty() && !recording) {
    if (references.size() != outputs.size())
      return fail("the test folder has " + Twine(references.size()) +
                  " outputs, the model " + Twine(outputs.size()));
    bool ok = true;
    std::vector<std::string> lines;
    for (size_t i = 0; i < outputs.size(); ++i)
      ok &= compare(outputs[i], references[i], lines);
    if (!ok) {
      for (const std::string &l : lines)
        errs() << l << "\n";
      return 1;
    }
    outs() << "dlc-run: " << outputs.size() << " output(s) match";
    if (maxRelL2 > 0)
      outs() << format(" (relative L2 error at most %g)", double(maxRelL2));
    outs() << "\n";
    for (const std::string &l : lines)
      outs() << l << "\n";
    return 0;
  }
  // Without references, print a summary of each output.
  for (const HostTensor &t : outputs) {
    size_t n = t.bytes.size() / std::max<size_t>(1, dlc_dtype_size(t.dtype));
    outs() << t.name << ": " << dlc_dtype_name(t.dtype)
           << shapeString(t.shape) << " =";
    for (size_t i = 0; i < std::min<size_t>(n, 8); ++i)
      outs() << " " << format("%g", elementAsDouble(t, i));
    if (n > 8)
      outs() << " ...";
    outs() << "\n";
  }
  return 0;
}
