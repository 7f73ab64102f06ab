#include "crop/boxes.h"

#include "core/error.h"
#include "core/io.h"
#include "core/parse.h"
#include "manifest/manifest.h"

namespace tinyprep {
namespace {

std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> cells(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"')
        cells.back() += '"', ++i;
      else if (c == '"')
        quoted = false;
      else
        cells.back() += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      cells.emplace_back();
    } else if (c != '\r') {
      cells.back() += c;
    }
  }
  return cells;
}

std::map<std::string, std::vector<LabelledBox>> read_csv(const std::string& path) {
  std::map<std::string, std::vector<LabelledBox>> out;
  LineReader lines(path);
  std::string line;
  while (lines.next(line)) {
    if (line.empty() || line == "\r") continue;
    std::vector<std::string> c = split_csv(line);
    if (lines.line_number() == 1 && c.size() >= 5) {
      size_t used = 0;
      if (!read_number<double>(c[1], used)) continue;  // a header
    }
    if (c.size() != 5 && c.size() != 6)
      throw Error(path, lines.line_number(),
                  "expected file,x,y,w,h,label, got " + std::to_string(c.size()) + " columns");
    LabelledBox b;
    double* v[] = {&b.x, &b.y, &b.width, &b.height};
    for (int i = 0; i < 4; ++i) {
      size_t used = 0;
      auto n = read_number<double>(c[i + 1], used);
      if (!n || used != c[i + 1].size())
        throw Error(path, lines.line_number(), "'" + c[i + 1] + "' is not a number");
      *v[i] = *n;
    }
    if (c.size() == 6) b.label = c[5];
    out[c[0]].push_back(b);
  }
  return out;
}

std::map<std::string, std::vector<LabelledBox>> read_coco(const std::string& path) {
  Json doc = read_json_file(path);
  auto bad = [&](const std::string& what) { return Error(path, 0, what); };
  if (!doc.is_object() || !doc.contains("images") || !doc.contains("annotations"))
    throw bad("not a COCO-style file (no 'images' and 'annotations')");
  std::map<long long, std::string> files, names;
  try {
    for (const Json& i : doc.at("images"))
      files[i.at("id").get<long long>()] = i.at("file_name").get<std::string>();
    if (doc.contains("categories"))
      for (const Json& c : doc.at("categories"))
        names[c.at("id").get<long long>()] = c.at("name").get<std::string>();
    std::map<std::string, std::vector<LabelledBox>> out;
    for (const Json& a : doc.at("annotations")) {
      long long image = a.at("image_id").get<long long>();
      auto f = files.find(image);
      if (f == files.end())
        throw bad("an annotation names image " + std::to_string(image) + ", which is not listed");
      const Json& box = a.at("bbox");
      if (!box.is_array() || box.size() != 4) throw bad("a bbox is not [x, y, w, h]");
      LabelledBox b{box[0].get<double>(), box[1].get<double>(), box[2].get<double>(),
                    box[3].get<double>(), ""};
      if (a.contains("category_id")) {
        auto n = names.find(a.at("category_id").get<long long>());
        if (n != names.end()) b.label = n->second;
      }
      out[f->second].push_back(b);
    }
    return out;
  } catch (const Json::exception& e) {
    throw bad(std::string("not a COCO-style file: ") + e.what());
  }
}

}  // namespace

std::map<std::string, std::vector<LabelledBox>> read_boxes(const std::string& path) {
  std::string ext = path.size() >= 5 ? path.substr(path.size() - 5) : "";
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".json" ? read_coco(path) : read_csv(path);
}

}  // namespace tinyprep
