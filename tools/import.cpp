// tinyprep import SRC...: existing files -> manifest lines (in place, or copied into a dataset).
#include "ingest/import.h"
#include "command.h"
#include "core/diag.h"

namespace tinyprep {

RunFn setup_import(CLI::App& app) {
  auto o = std::make_shared<ImportOptions>();
  app.description(
      "Turn existing audio (WAV, FLAC, OGG), image (PNG, JPEG, BMP, PGM) and CSV files into\n"
      "manifest lines on stdout, referencing them in place, or copy them into a dataset with\n"
      "--into DIR (files go to DIR/data/<label>/, DIR/samples.jsonl is appended to).\n"
      "An import into a dataset holds the dataset's lock (other imports and captures into it\n"
      "wait) and is added whole or not at all. It skips symbolic links to files, with one\n"
      "warning, unless --follow-symlinks: a link may point anywhere (~/.ssh, /etc), and the\n"
      "copy would take that file into the dataset. Without --into, links are referenced as\n"
      "they are. Files the dataset already has (same sha256 and file name: a second run of\n"
      "the same import) are skipped and counted, unless --allow-duplicates.\n\n"
      "Examples:\n"
      "  tinyprep import --pattern '{label}_{group}_{take}.wav' fsdd/ > fsdd.jsonl\n"
      "  tinyprep import --layout folders speech_commands/ --into kws/\n"
      "  tinyprep import --label yes recordings/*.wav --into kws/");
  app.add_option("SRC", o->sources, "files or folders (folders are walked recursively)")
      ->required();
  app.add_option_function<std::string>(
         "--layout", [o](const std::string& v) { o->layout_folders = v == "folders"; },
         "'folders': SRC/<label>/**/file; Speech Commands' _background_noise_ is skipped and "
         "<hash>_nohash_<n> gives group <hash>")
      ->check(CLI::IsMember({"folders"}));
  app.add_option("--pattern", o->pattern,
                 "file-name pattern: {label}, {group} and other {fields} capture, * matches "
                 "anything, e.g. '{label}_{group}_{take}.wav' or '{label}.*.wav'");
  app.add_option("--label", o->label, "label for every file");
  app.add_option("--group", o->group, "group for every file (a speaker, a session)");
  app.add_option("--into", o->into, "copy into this dataset folder (made when missing)");
  app.add_flag("--follow-symlinks", o->follow_symlinks,
               "--into: copy what symbolic links to files point to (default: skip them)");
  app.add_flag("--allow-duplicates", o->allow_duplicates,
               "--into: add files the dataset already has (same sha256 and file name) again");
  app.add_option("-o,--output", o->output, "manifest to write (default '-': stdout)");
  app.add_flag("--force", o->force, "replace an existing --output file");
  app.add_option("-j,--jobs", o->jobs, "threads (default: all cores)");
  return [o] {
    ImportResult r = run_import(*o);
    std::string where = o->into.empty() ? "" : " into " + o->into;
    // "skipped 4 (3 already in the dataset: ...)": one count of what was passed over.
    std::string skipped;
    const std::string again = "--allow-duplicates adds them again";
    if (r.duplicates && !r.skipped)
      skipped =
          ", skipped " + std::to_string(r.duplicates) + " already in the dataset (" + again + ")";
    else if (r.duplicates)
      skipped = ", skipped " + std::to_string(r.skipped + r.duplicates) + " (" +
                std::to_string(r.duplicates) + " already in the dataset: " + again + ")";
    else if (r.skipped)
      skipped = ", skipped " + std::to_string(r.skipped);
    note("imported " + std::to_string(r.imported) + (r.imported == 1 ? " file" : " files") + where +
         skipped);
    return 0;
  };
}

}  // namespace tinyprep
