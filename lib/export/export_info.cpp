#include "export/export_info.h"

#include <algorithm>
#include <cctype>

#include "core/error.h"

namespace tinyprep {
namespace {

constexpr const char* kTensor = "tensorflow_datasets.core.features.tensor_feature.Tensor";
constexpr const char* kText = "tensorflow_datasets.core.features.text_feature.Text";

// `encoding` "bytes": TFDS decodes the one bytes value with tf.io.decode_raw and reshapes it.
Json tensor_feature(const std::vector<size_t>& shape, const std::string& dtype,
                    const char* encoding = "none") {
  Json dims = Json::array();
  for (size_t d : shape) dims.push_back(std::to_string(d));
  Json shape_json = Json::object();
  if (!shape.empty()) shape_json["dimensions"] = dims;
  return {{"pythonClassName", kTensor},
          {"tensor", {{"shape", shape_json}, {"dtype", dtype}, {"encoding", encoding}}}};
}

Json text_feature() {
  return {{"pythonClassName", kText}, {"text", Json::object()}};
}

std::string python_shape(const std::vector<size_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

// A Python identifier made from a split name ("val-1" -> "val_1").
std::string identifier(const std::string& name) {
  std::string id;
  for (char c : name) id += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return id;
}

int split_rank(const std::string& s) {
  if (s == "train") return 0;
  if (s == "validation") return 1;
  if (s == "test") return 2;
  if (s == "all") return 4;
  return 3;
}

}  // namespace

void ExampleKeys::set(const std::string& assignment) {
  size_t eq = assignment.find('=');
  std::string key = assignment.substr(0, eq);
  std::string value = eq == std::string::npos ? "" : assignment.substr(eq + 1);
  if (value.empty())
    throw usage_error("--key '" + assignment + "': expected KEY=NAME, e.g. x=features");
  if (key == "x")
    x = value;
  else if (key == "shape")
    shape = value;
  else if (key == "label")
    label = value;
  else if (key == "label_name")
    label_name = value;
  else if (key == "id")
    id = value;
  else
    throw usage_error("--key '" + assignment + "': KEY is one of x, shape, label, label_name, id");
}

bool split_order_less(const std::string& a, const std::string& b) {
  int ra = split_rank(a), rb = split_rank(b);
  return ra != rb ? ra < rb : a < b;
}

std::string python_string(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\\' || c == '\'') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "'";
}

std::string dataset_info_json(const ExportInfo& info) {
  Json splits = Json::array();
  for (const auto& s : info.splits) {
    Json lengths = Json::array();
    for (uint64_t n : s.shard_lengths) lengths.push_back(std::to_string(n));
    splits.push_back({{"filepathTemplate", "{DATASET}-{SPLIT}.{FILEFORMAT}-{SHARD_X_OF_Y}"},
                      {"name", s.name},
                      {"numBytes", std::to_string(s.num_bytes)},
                      {"shardLengths", lengths}});
  }
  Json j = {
      {"description", info.description.empty() ? "Exported by tinyprep " + info.tinyprep_version
                                               : info.description},
      {"fileFormat", "tfrecord"},
      {"moduleName", "tinyprep"},
      {"name", info.name}};
  if (!info.license.empty()) j["redistributionInfo"] = {{"license", info.license}};
  j["splits"] = splits;
  j["supervisedKeys"] = {
      {"tuple", {{"items", {{{"featureKey", info.keys.x}}, {{"featureKey", info.keys.label}}}}}}};
  j["version"] = info.version;
  return j.dump(2) + "\n";
}

std::string features_json(const ExportInfo& info) {
  Json features = Json::object();
  if (!info.image_encoding.empty()) {
    // Encoded images may differ in size: height and width are None (-1) as in TFDS.
    Json dims = {"-1", "-1", std::to_string(info.shape.size() == 3 ? info.shape[2] : 3)};
    features[info.keys.x] = {
        {"pythonClassName", "tensorflow_datasets.core.features.image_feature.Image"},
        {"image",
         {{"shape", {{"dimensions", dims}}},
          {"dtype", dtype_name(info.dtype)},
          {"encodingFormat", info.image_encoding}}}};
  } else {
    features[info.keys.x] = tensor_feature(info.shape, dtype_name(info.dtype),
                                           info.x_encoding == "raw" ? "bytes" : "none");
  }
  features[info.keys.shape] = tensor_feature({info.shape.size()}, "int64");
  features[info.keys.label] = {
      {"pythonClassName", "tensorflow_datasets.core.features.class_label_feature.ClassLabel"},
      {"classLabel", {{"numClasses", std::to_string(info.label_names.size())}}}};
  features[info.keys.label_name] = text_feature();
  features[info.keys.id] = text_feature();
  Json j = {{"pythonClassName", "tensorflow_datasets.core.features.features_dict.FeaturesDict"},
            {"featuresDict", {{"features", features}}}};
  return j.dump(2) + "\n";
}

std::string labels_txt(const ExportInfo& info) {
  std::string out;
  for (const auto& l : info.label_names) out += l + "\n";
  return out;
}

std::string tinyprep_json(const ExportInfo& info) {
  Json splits = Json::object();
  for (const auto& s : info.splits) {
    Json split = {{"examples", s.count}};
    if (info.format == "tfrecord") {
      split["shards"] = s.shard_lengths.size();
      split["shard_lengths"] = s.shard_lengths;
      split["num_bytes"] = s.num_bytes;
    }
    splits[s.name] = split;
  }
  Json x = {{"dtype", dtype_name(info.dtype)}, {"shape", info.shape}};
  if (!info.x_encoding.empty())
    x["encoding"] = info.x_encoding;
  else if (!info.image_encoding.empty())
    x["encoding"] = info.image_encoding;
  Json j = {{"tinyprep_version", info.tinyprep_version},
            {"command", info.command},
            {"format", info.format},
            {"name", info.name},
            {"x", x},
            {"keys",
             {{"x", info.keys.x},
              {"shape", info.keys.shape},
              {"label", info.keys.label},
              {"label_name", info.keys.label_name},
              {"id", info.keys.id}}},
            {"label_names", info.label_names},
            {"feature_config", info.feature_config},
            {"compression", info.format == "hdf5" ? (info.hdf5_gzip ? "gzip" : "none")
                            : info.gzip_level     ? "GZIP"
                                                  : "none"},
            {"order", info.order},
            {"splits", splits},
            {"provenance", info.provenance}};
  if (info.workers > 1) j["shard"] = {{"worker", info.worker}, {"workers", info.workers}};
  return j.dump(2) + "\n";
}

namespace {

std::string tfrecord_loader(const ExportInfo& info, const std::string& out) {
  const ExampleKeys& k = info.keys;
  bool encoded = !info.image_encoding.empty();
  bool is_float = info.dtype == DType::kFloat32;
  bool raw = info.x_encoding == "raw";
  std::string x_spec = encoded || raw ? "tf.io.FixedLenFeature([], tf.string)"
                                      : "tf.io.FixedLenFeature(" + python_shape(info.shape) + ", " +
                                            (is_float ? "tf.float32" : "tf.int64") + ")";
  std::string x_expr = "ex[" + python_string(k.x) + "]";
  if (encoded)
    x_expr = std::string("tf.io.decode_") + (info.image_encoding == "png" ? "png" : "jpeg") + "(" +
             x_expr + ")";
  else if (raw)
    x_expr = "tf.reshape(tf.io.decode_raw(" + x_expr + ", tf." + dtype_name(info.dtype) +
             ", little_endian=True), " + python_shape(info.shape) + ")";
  else if (!is_float)
    x_expr = "tf.cast(" + x_expr + ", tf." + dtype_name(info.dtype) + ")";
  std::string s;
  s += "import os\nimport tensorflow as tf\n\n";
  if (raw)
    s += std::string("# x is one bytes value: the ") + dtype_name(info.dtype) +
         " elements, little-endian (x_encoding 'raw').\n";
  else if (!encoded)
    s += std::string("# x is a ") + (is_float ? "float" : "int64") + " list (x_encoding '" +
         info.x_encoding + "').\n";
  if (info.order.is_object() && info.order.value("shuffle", false))
    s += "# Each split's examples were shuffled (seed " + info.order["seed"].dump() +
         ") before sharding.\n";
  s += "OUT = " + python_string(out) + "\n";
  s += "SPEC = {\n";
  s += "    " + python_string(k.x) + ": " + x_spec + ",\n";
  s += "    " + python_string(k.shape) + ": tf.io.FixedLenFeature([" +
       std::to_string(info.shape.size()) + "], tf.int64),\n";
  s += "    " + python_string(k.label) + ": tf.io.FixedLenFeature([], tf.int64),\n";
  s += "    " + python_string(k.label_name) + ": tf.io.FixedLenFeature([], tf.string),\n";
  s += "    " + python_string(k.id) + ": tf.io.FixedLenFeature([], tf.string),\n";
  s += "}\n";
  s += "LABELS = open(os.path.join(OUT, " + python_string(k.label + ".labels.txt") +
       ")).read().splitlines()\n\n";
  s += "def parse(record):\n";
  s += "    ex = tf.io.parse_single_example(record, SPEC)\n";
  s += "    return " + x_expr + ", ex[" + python_string(k.label) + "]\n\n";
  s += "def load(split):\n";
  s += "    files = sorted(tf.io.gfile.glob(os.path.join(OUT, " + python_string(info.name + "-") +
       " + split + '.tfrecord-*')))\n";
  s += "    return tf.data.TFRecordDataset(files" +
       std::string(info.gzip_level ? ", compression_type='GZIP'" : "") +
       ").map(parse, num_parallel_calls=tf.data.AUTOTUNE)\n\n";
  for (const auto& split : info.splits)
    s += identifier(split.name) + " = load(" + python_string(split.name) + ")\n";
  return s;
}

std::string hdf5_loader(const ExportInfo& info, const std::string& out) {
  std::string s;
  s += "import json\nimport h5py\n\n";
  s += "with h5py.File(" + python_string(out) + ", 'r') as f:\n";
  s += "    labels = list(f.attrs['label_names'])\n";
  s += "    feature_config = json.loads(f.attrs['feature_config'])\n";
  for (const auto& split : info.splits) {
    std::string g = python_string(split.name);
    std::string v = identifier(split.name);
    if (info.image_encoding.empty()) {
      s += "    x_" + v + " = f[" + g + "]['x'][:]   # (" + std::to_string(split.count);
      for (size_t d : info.shape) s += ", " + std::to_string(d);
      s += std::string(") ") + dtype_name(info.dtype) + "\n";
    } else {
      s += "    x_" + v + " = [bytes(b) for b in f[" + g + "]['x']]   # " +
           std::to_string(split.count) + " " + info.image_encoding +
           " files: tf.io.decode_image or cv2.imdecode\n";
    }
    s += "    y_" + v + " = f[" + g + "]['y'][:]   # label index into labels\n";
    s += "    ids_" + v + " = f[" + g + "]['id'].asstr()[:]\n";
  }
  return s;
}

}  // namespace

ExportInfo export_info_from_json(const Json& j, const std::string& source) {
  ExportInfo info;
  try {
    info.format = j.at("format").get<std::string>();
    if (info.format != "tfrecord" && info.format != "hdf5") throw Error(source, 0, "bad format");
    info.name = j.at("name").get<std::string>();
    const Json& x = j.at("x");
    info.dtype = dtype_from_name(x.at("dtype").get<std::string>());
    info.shape = x.at("shape").get<std::vector<size_t>>();
    std::string encoding = x.value("encoding", "");
    if (encoding == "png" || encoding == "jpeg") info.image_encoding = encoding;
    if (info.format == "tfrecord")
      info.x_encoding = !encoding.empty()               ? encoding
                        : info.dtype == DType::kFloat32 ? "float_list"
                                                        : "int64_list";
    const Json& k = j.at("keys");
    info.keys.x = k.at("x");
    info.keys.shape = k.at("shape");
    info.keys.label = k.at("label");
    info.keys.label_name = k.at("label_name");
    info.keys.id = k.at("id");
    info.label_names = j.at("label_names").get<std::vector<std::string>>();
    std::string compression = j.value("compression", "none");
    info.gzip_level = compression == "GZIP" ? 6 : 0;
    info.hdf5_gzip = compression == "gzip";
    info.order = j.value("order", Json());
    info.tinyprep_version = j.value("tinyprep_version", "");
    info.command = j.value("command", "");
    for (const auto& [name, split] : j.at("splits").items()) {
      SplitInfo si;
      si.name = name;
      si.count = split.at("examples").get<uint64_t>();
      info.splits.push_back(si);
    }
  } catch (const Json::exception& e) {
    throw Error(source, 0, std::string("not a tinyprep export's description: ") + e.what());
  } catch (const Error&) {
    throw Error(source, 0, "not a tinyprep export's description");
  }
  std::stable_sort(
      info.splits.begin(), info.splits.end(),
      [](const SplitInfo& a, const SplitInfo& b) { return split_order_less(a.name, b.name); });
  return info;
}

std::string loader_python(const ExportInfo& info, const std::string& out) {
  return info.format == "hdf5" ? hdf5_loader(info, out) : tfrecord_loader(info, out);
}

}  // namespace tinyprep
