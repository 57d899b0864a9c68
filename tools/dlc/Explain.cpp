//===- Explain.cpp - dlc --explain: the kernels of one inference ----------===//

#include "Explain.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

using namespace llvm;

int dlc::tool::printExplanation(raw_ostream &os,
                                const dlc::codegen::ModelSignature &sig,
                                bool json, double peakGflops) {
  int64_t flops = 0, bytes = 0;
  for (const dlc::codegen::KernelInfo &k : sig.kernels) {
    flops += k.flops;
    bytes += k.bytes;
  }
  auto atPeakUs = [&](int64_t f) { return double(f) / (peakGflops * 1e3); };
  if (json) {
    llvm::json::Array kernels;
    for (auto [i, k] : llvm::enumerate(sig.kernels)) {
      llvm::json::Array nodes, tiles;
      for (const std::string &n : k.nodes)
        nodes.push_back(n);
      for (int64_t t : k.tiles)
        tiles.push_back(t);
      kernels.push_back(llvm::json::Object{
          {"id", int64_t(i)},       {"nodes", std::move(nodes)},
          {"kind", k.kind},         {"strategy", k.strategy},
          {"precision", k.precision},
          {"tiles", std::move(tiles)}, {"flops", k.flops},
          {"bytes", k.bytes},       {"time_at_peak_us", atPeakUs(k.flops)}});
    }
    llvm::json::Object root{
        {"model", sig.name},
        {"target", "cpu"},
        {"peak_gflops", double(peakGflops)},
        {"arena_bytes", int64_t(sig.arenaBytes)},
        {"flops", flops},
        {"bytes", bytes},
        {"time_at_peak_us", atPeakUs(flops)},
        {"kernels", std::move(kernels)}};
    os << formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
    return 0;
  }
  os << sig.name << ": " << sig.kernels.size() << " kernels, "
         << format("%.3f", double(flops) / 1e9) << " GFLOP, "
         << format("%.1f", double(bytes) / 1e6) << " MB moved, "
         << format("%.1f", atPeakUs(flops)) << " us at "
         << format("%.0f", double(peakGflops)) << " GFLOP/s; arena "
         << sig.arenaBytes << " bytes\n";
  for (auto [i, k] : llvm::enumerate(sig.kernels)) {
    os << format("%4zu  %-22s %-4s", i, k.kind.c_str(),
                     k.precision.c_str());
    os << format(" %10.3f MFLOP %9.3f MB %9.1f us  ", double(k.flops) / 1e6,
                     double(k.bytes) / 1e6, atPeakUs(k.flops));
    for (auto [j, n] : llvm::enumerate(k.nodes))
      os << (j ? ", " : "") << n;
    os << "\n      " << k.strategy << "\n";
  }
  return 0;
}
