#include "weights_file.hpp"

#include <fstream>
#include <vector>

#include "keel/core/json.hpp"

namespace keel::cli {

Result<LabeledVector> read_weights_file(const std::string& path) {
  if (path.size() < 5 || path.substr(path.size() - 5) != ".json") return read_labeled_vector(path);
  std::ifstream in(path);
  if (!in) return Status::invalid("cannot open the weights file '" + path + "'");
  try {
    const auto doc = Json::parse(in);  // ordered: keeps the file's asset order
    if (!doc.is_object()) {
      return Status::invalid(path + ": expected an object of weights or an optimize result");
    }
    const auto& w = doc.contains("weights") ? doc["weights"] : doc;
    LabeledVector v;
    std::vector<double> values;
    for (const auto& [asset, value] : w.items()) {
      if (!value.is_number()) {
        return Status::invalid(path + ": weight of '" + asset + "' is not a number");
      }
      v.labels.push_back(asset);
      values.push_back(value.get<double>());
    }
    if (values.empty()) return Status::invalid(path + ": no weights found");
    v.values = Eigen::Map<Eigen::VectorXd>(values.data(), static_cast<Eigen::Index>(values.size()));
    return v;
  } catch (const nlohmann::json::exception& e) {
    return Status::invalid(path + ": not valid JSON (" + e.what() + ")");
  }
}

}  // namespace keel::cli
