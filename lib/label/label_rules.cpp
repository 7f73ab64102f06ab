#include "label/label_rules.h"

#include <charconv>

#include "core/diag.h"
#include "core/error.h"
#include "core/io.h"
#include "core/suggest.h"
#include "manifest/dataset.h"

namespace tinyprep {
namespace {

// check_label for an option value: a usage error (exit 2), not a data error.
void check_option_label(const std::string& label, const std::string& option) {
  try {
    check_label(label, option);
  } catch (const Error& e) {
    throw usage_error(e.located());
  }
}

std::pair<std::string, std::string> split_at(const std::string& text, char sep) {
  size_t at = text.find(sep);
  if (at == std::string::npos) return {text, {}};
  return {text.substr(0, at), text.substr(at + 1)};
}

std::set<std::string> label_set(const std::vector<std::string>& labels, const char* option) {
  std::set<std::string> out;
  for (const auto& l : labels) {
    check_option_label(l, option);
    out.insert(l);
  }
  return out;
}

}  // namespace

const Json* find_field(const Json& line, const std::string& dotted) {
  const Json* at = &line;
  size_t start = 0;
  for (;;) {
    size_t dot = dotted.find('.', start);
    std::string key = dotted.substr(start, dot == std::string::npos ? dot : dot - start);
    if (!at->is_object()) return nullptr;
    auto it = at->find(key);
    if (it == at->end()) return nullptr;
    at = &*it;
    if (dot == std::string::npos) return at;
    start = dot + 1;
  }
}

bool field_equals(const Json& value, const std::string& text) {
  if (value.is_string()) return value.get<std::string>() == text;
  if (value.is_number()) {
    double parsed = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
    return ec == std::errc() && end == text.data() + text.size() && value.get<double>() == parsed;
  }
  return dump_line(value) == text;
}

LabelRules::LabelRules(const LabelOptions& options) : o_(options) {
  if (!o_.from_path.empty()) {
    try {
      from_path_.emplace(o_.from_path, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      throw usage_error("--from-path '" + o_.from_path + "': not a regular expression (" +
                        e.what() + ")");
    }
    if (from_path_->mark_count() < 1)
      throw usage_error("--from-path '" + o_.from_path +
                        "': needs a capture group, e.g. 'data/([^/]+)/'");
  }
  if (!o_.set.empty()) check_option_label(o_.set, "--set");
  if (!o_.where.empty() && o_.set.empty()) throw usage_error("--where needs --set LABEL");
  for (const auto& w : o_.where) {
    auto [field, value] = split_at(w, '=');
    if (field.empty() || w.find('=') == std::string::npos)
      throw usage_error("--where '" + w + "': expected FIELD=VALUE");
    where_.push_back({w, field, value});
  }
  for (const auto& m : o_.maps) {
    auto [from, to] = split_at(m, '=');
    if (from.empty() || m.find('=') == std::string::npos)
      throw usage_error("--map '" + m + "': expected OLD=NEW");
    check_option_label(to, "--map '" + m + "'");
    add_map(from, to, "--map '" + m + "'", 0);
  }
  if (!o_.map_file.empty()) {
    LineReader in(o_.map_file);
    std::string text;
    while (in.next(text)) {
      if (text.empty() || text[0] == '#') continue;
      size_t comma = text.find(',');
      if (comma == std::string::npos || comma == 0 || text.find(',', comma + 1) != text.npos)
        throw Error(in.name(), in.line_number(), "expected 'old,new', got '" + text + "'");
      std::string to = text.substr(comma + 1);
      check_label(to, in.name(), in.line_number());
      add_map(text.substr(0, comma), to, in.name(), in.line_number());
    }
  }
  if (o_.unknown.empty() != o_.wanted.empty())
    throw usage_error("--unknown LABEL and --wanted LABEL,... go together");
  if (!o_.unknown.empty()) check_option_label(o_.unknown, "--unknown");
  wanted_ = label_set(o_.wanted, "--wanted");
  keep_ = label_set(o_.keep, "--keep");
  drop_ = label_set(o_.drop, "--drop");
}

void LabelRules::add_map(const std::string& from, const std::string& to, const std::string& where,
                         long line) {
  auto [it, added] = map_.emplace(from, MapEntry{to, where, line});
  if (!added && it->second.to != to) {
    std::string first = it->second.line ? it->second.where + ":" + std::to_string(it->second.line)
                                        : it->second.where;
    std::string what =
        "'" + from + "' is mapped to '" + it->second.to + "' (" + first + ") and to '" + to + "'";
    if (line) throw Error(where, line, what);
    throw usage_error(where + ": " + what);
  }
}

std::string LabelRules::map_label(const std::string& label) const {
  auto it = map_.find(label);
  return it == map_.end() ? label : it->second.to;
}

std::optional<std::string> LabelRules::rename(const std::string& label) const {
  std::string out = map_label(label);
  if (!o_.unknown.empty() && !wanted_.count(out)) out = o_.unknown;
  if ((!keep_.empty() && !keep_.count(out)) || drop_.count(out)) return std::nullopt;
  return out;
}

bool LabelRules::apply(Sample& sample) {
  std::string before = sample.label();
  std::string label = before;
  if (from_path_) {
    std::string path = sample.str("path");
    if (path.empty()) sample.fail("line has no 'path' for --from-path");
    std::smatch m;
    if (!std::regex_search(path, m, *from_path_))
      sample.fail("path '" + path + "' does not match --from-path '" + o_.from_path + "'");
    label = m[1].str();
    check_label(label, sample.source, sample.line);
  }
  if (!o_.set.empty()) {
    bool all = true;
    for (auto& w : where_) {
      const Json* value = find_field(sample.json, w.field);
      if (value) w.field_seen = true;
      bool hit = value && field_equals(*value, w.value);
      if (hit) w.matched = true;
      all = all && hit;
    }
    if (all) label = o_.set;
  }
  if (!label.empty()) {
    seen_.insert(label);
    label = map_label(label);
    mapped_.insert(label);
    if (!o_.unknown.empty() && !wanted_.count(label)) label = o_.unknown;
    final_.insert(label);
  }
  if ((!keep_.empty() && !keep_.count(label)) || drop_.count(label)) {
    ++dropped_;
    return false;
  }
  if (label != before) {
    sample.json["label"] = label;
    ++changed_;
  }
  return true;
}

namespace {

// "'a', 'b', 'c'", at most 30 of them, then "and N more".
std::string quoted_list(const std::set<std::string>& labels) {
  constexpr size_t kShown = 30;
  std::string out;
  size_t n = 0;
  for (const auto& l : labels) {
    if (n == kShown) return out + " and " + std::to_string(labels.size() - kShown) + " more";
    out += (n++ ? ", '" : "'") + l + "'";
  }
  return out.empty() ? "none" : out;
}

}  // namespace

void LabelRules::check_unused() const {
  // A label named in --keep, --drop or --map that no line has is a typo more often than not:
  // it would silently give an empty (or unchanged) dataset.
  std::vector<std::string> missing;
  auto add_missing = [&](std::string item, const std::string& label,
                         const std::set<std::string>& present) {
    if (auto near = closest_name(label, {present.begin(), present.end()}))
      item += " (did you mean '" + *near + "'?)";
    missing.push_back(item);
  };
  for (const auto& [from, entry] : map_)
    if (!seen_.count(from)) {
      if (entry.line) {  // a --map-file may name more labels than one dataset has
        warn(entry.where, entry.line,
             "no line has label '" + from + "' (mapped to '" + entry.to + "')");
      } else {
        add_missing(entry.where, from, seen_);
      }
    }
  for (const auto& l : keep_)
    if (!final_.count(l)) add_missing("--keep '" + l + "'", l, final_);
  for (const auto& l : drop_)
    if (!final_.count(l)) add_missing("--drop '" + l + "'", l, final_);
  if (!missing.empty()) {
    std::string what;
    for (size_t i = 0; i < missing.size(); ++i)
      what += (i == 0 ? "" : i + 1 == missing.size() ? " and " : ", ") + missing[i];
    what += missing.size() > 1 ? ": no line has these labels" : ": no line has this label";
    what += "; the labels present are " + quoted_list(seen_);
    if (final_ != seen_) what += " (" + quoted_list(final_) + " after --map and --unknown)";
    if (!o_.allow_missing)
      throw Error("", 0, what + " (--allow-missing accepts a label that no line has)");
    warn(what);
  }
  for (const auto& l : wanted_)
    if (!mapped_.count(l)) warn("--wanted '" + l + "': no line has this label");
  for (const auto& w : where_) {
    if (!w.field_seen)
      warn("--where '" + w.text + "': no line has the field '" + w.field + "'");
    else if (!w.matched)
      warn("--where '" + w.text + "': no line matched");
  }
}

}  // namespace tinyprep
