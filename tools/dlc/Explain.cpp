//===- Explain.cpp - dlc --explain: the kernels of one inference ----------===//

#include "Explain.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

using namespace llvm;

int dlc::tool::printExplanation(raw_ostream &os,
                                const dlc::codegen::ModelSignature &sig,
                                bool json, double peakGflops,
                                StringRef target) {
  bool timed = peakGflops > 0;
  int64_t flops = 0, bytes = 0;
  for (const dlc::codegen::KernelInfo &k : sig.kernels) {
    flops += k.flops;
    bytes += k.bytes;
  }
  auto atPeakUs = [&](int64_t f) {
    return timed ? double(f) / (peakGflops * 1e3) : 0.0;
  };
  if (json) {
    llvm::json::Array kernels;
    for (auto [i, k] : llvm::enumerate(sig.kernels)) {
      llvm::json::Array nodes, tiles;
      for (const std::string &n : k.nodes)
        nodes.push_back(n);
      for (int64_t t : k.tiles)
        tiles.push_back(t);
      llvm::json::Object kernel{
          {"id", int64_t(i)},       {"nodes", std::move(nodes)},
          {"kind", k.kind},         {"strategy", k.strategy},
          {"precision", k.precision},
          {"tiles", std::move(tiles)}, {"flops", k.flops},
          {"bytes", k.bytes}};
      if (timed)
        kernel["time_at_peak_us"] = atPeakUs(k.flops);
      kernels.push_back(std::move(kernel));
    }
    llvm::json::Object root{
        {"model", sig.name},
        {"target", target.str()},
        {"arena_bytes", int64_t(sig.arenaBytes)},
        {"flops", flops},
        {"bytes", bytes},
        {"kernels", std::move(kernels)}};
    if (timed) {
      root["peak_gflops"] = double(peakGflops);
      root["time_at_peak_us"] = atPeakUs(flops);
    }
    os << formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
    return 0;
  }
  if (!timed) {
    // GPU targets: the kernels and how each is mapped.
    int64_t tensorCores = llvm::count_if(sig.kernels, [](const auto &k) {
      return StringRef(k.strategy).starts_with("tensor cores");
    });
    os << sig.name << " (" << target << "): " << sig.kernels.size()
       << " kernels, " << tensorCores << " on tensor cores, "
       << format("%.3f", double(flops) / 1e9)
       << " GFLOP in products; arena " << sig.arenaBytes << " bytes\n";
    for (auto [i, k] : llvm::enumerate(sig.kernels)) {
      os << format("%4zu  %-12s %-4s %10.3f MFLOP  ", i, k.kind.c_str(),
                   k.precision.c_str(), double(k.flops) / 1e6);
      for (auto [j, n] : llvm::enumerate(k.nodes))
        os << (j ? ", " : "") << n;
      os << "\n      " << k.strategy << "\n";
    }
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
