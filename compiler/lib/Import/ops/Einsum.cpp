//===- Einsum.cpp - ONNX einsum equations in explicit form ----------------===//
//
// graph.einsum takes explicit equations of letters only. ONNX also allows
// an ellipsis ('...', the operand's leading dimensions not named by
// letters, aligned from the right across operands as in numpy) and an
// implicit output (no '->': the ellipsis dimensions, then the letters that
// appear once in the inputs, in alphabetical order). Both are rewritten
// here: each ellipsis dimension gets a letter the equation does not use.
//
//===----------------------------------------------------------------------===//

#include "Compose.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace llvm;

namespace dlc::compose {

FailureOr<std::string> explicitEinsum(NodeImporter &n, StringRef equation,
                                      ArrayRef<int64_t> ranks) {
  std::string compact;
  for (char c : equation)
    if (c != ' ')
      compact.push_back(c);
  StringRef s = compact;
  bool hasArrow = s.contains("->");
  auto [lhs, rhs] = s.split("->");
  SmallVector<StringRef> terms;
  lhs.split(terms, ',');
  if (terms.size() != ranks.size())
    return n.emitError() << "einsum '" << equation << "' has " << terms.size()
                         << " operands, the node " << ranks.size();
  // The letters in use, and the ellipsis rank (the most dimensions any
  // operand's ellipsis stands for).
  std::string used;
  for (char c : s)
    if (isAlpha(c) && used.find(c) == std::string::npos)
      used.push_back(c);
  int64_t ellipsisRank = 0;
  SmallVector<int64_t> covered;
  for (auto [t, rank] : llvm::zip(terms, ranks)) {
    size_t dots = t.find("...");
    if (dots == StringRef::npos) {
      covered.push_back(0);
      continue;
    }
    if (t.find("...", dots + 3) != StringRef::npos)
      return n.emitError() << "einsum '" << equation
                           << "': an operand has more than one ellipsis";
    int64_t letters = int64_t(t.size()) - 3;
    if (letters > rank)
      return n.emitError() << "einsum term '" << t << "' names " << letters
                           << " dimensions, its operand has rank " << rank;
    covered.push_back(rank - letters);
    ellipsisRank = std::max(ellipsisRank, rank - letters);
  }
  std::string fresh;
  for (char c = 'A'; c <= 'z' && int64_t(fresh.size()) < ellipsisRank; ++c)
    if (isAlpha(c) && used.find(c) == std::string::npos)
      fresh.push_back(c);
  if (int64_t(fresh.size()) < ellipsisRank)
    return n.emitError() << "einsum '" << equation
                         << "': too many dimensions for letters";
  auto expand = [&](StringRef t, int64_t count) {
    std::string out;
    size_t dots = t.find("...");
    if (dots == StringRef::npos)
      return t.str();
    out = t.substr(0, dots).str();
    out += fresh.substr(fresh.size() - count);
    out += t.substr(dots + 3).str();
    return out;
  };
  std::string result;
  SmallVector<std::string> inputs;
  for (auto [t, count] : llvm::zip(terms, covered)) {
    inputs.push_back(expand(t, count));
    result += (result.empty() ? "" : ",") + inputs.back();
  }
  std::string output;
  if (hasArrow) {
    if (rhs.contains("..."))
      output = expand(rhs, ellipsisRank);
    else
      output = rhs.str();
  } else {
    // Implicit: the ellipsis dimensions, then the letters used once.
    output = fresh;
    std::string once;
    for (char c : used) {
      int64_t count = 0;
      for (const std::string &t : inputs)
        count += llvm::count(t, c);
      if (count == 1)
        once.push_back(c);
    }
    llvm::sort(once);
    output += once;
  }
  return result + "->" + output;
}

} // namespace dlc::compose
