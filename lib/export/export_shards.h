#pragma once
// Sharded TFRecord exports (--shard K/N): what each worker writes beside its shards, and the
// names finalize_export (export.h) looks for. See docs/export.md, "Sharded exports".
#include <cstdint>
#include <optional>
#include <string>

#include "export/export_info.h"

namespace tinyprep {

/// "worker-{K}-of-{N}.json": written last by worker K, so its presence says the worker is done.
std::string worker_file_name(uint32_t worker, uint32_t workers);

/// (K, N) when `file` is a worker file's name ("worker-2-of-4.json"), else nothing.
std::optional<std::pair<uint32_t, uint32_t>> parse_worker_file_name(const std::string& file);

/// The worker file's document: worker, workers, options_hash, the worker's tinyprep.json
/// ("export"), the dataset's description, license and version, and per split the worker's
/// shard files with their examples, record bytes and file bytes.
std::string worker_json(const ExportInfo& info);

/// True for a file of a finished TFRecord export (TFDS-named shards of any name and split,
/// dataset_info.json, features.json, tinyprep.json, *.labels.txt).
bool tfrecord_set_file(const std::string& file);
/// True for a worker's shard ("...tfrecord-w00001of00003-00000") or worker file.
bool worker_set_file(const std::string& file);

}  // namespace tinyprep
