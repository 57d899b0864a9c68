//===- OpTable.cpp - the supported ONNX ops -------------------------------===//

#include "OpTable.h"

#include <algorithm>

using namespace llvm;

namespace dlc {

void OpTable::add(StringRef opType, int64_t since, int64_t until,
                  OpHandler handler) {
  table_[opType].push_back({since, until, handler});
}

OpHandler OpTable::lookup(StringRef opType, int64_t opset) const {
  auto it = table_.find(opType);
  if (it == table_.end())
    return nullptr;
  for (const OpTableEntry &entry : it->second)
    if (opset >= entry.sinceOpset && opset <= entry.untilOpset)
      return entry.handler;
  return nullptr;
}

std::vector<std::string> OpTable::opTypes() const {
  std::vector<std::string> names;
  for (const auto &entry : table_)
    names.push_back(entry.getKey().str());
  std::sort(names.begin(), names.end());
  return names;
}

ArrayRef<OpTableEntry> OpTable::entries(StringRef opType) const {
  auto it = table_.find(opType);
  if (it == table_.end())
    return {};
  return it->second;
}

const OpTable &OpTable::get() {
  static const OpTable table = [] {
    OpTable t;
    registerElementwiseOps(t);
    registerNNOps(t);
    registerShapeOps(t);
    registerReductionOps(t);
    registerCompositeOps(t);
    registerNormalizationOps(t);
    registerLossOps(t);
    registerAttentionOps(t);
    registerQuantizeOps(t);
    registerQLinearOps(t);
    registerScatterOps(t);
    registerSelectionOps(t);
    registerRecurrentOps(t);
    registerSignalOps(t);
    return t;
  }();
  return table;
}

} // namespace dlc
