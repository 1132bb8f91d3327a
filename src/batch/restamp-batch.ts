import { ValidationError } from "../errors.js";
import type { SealedBatch } from "./batch-builder.js";
import { type BatchHeader, packHeader, publicInputs, validateHeader } from "./public-input.js";

/**
 * The same batch (same transactions, roots and pubdata) under another header: a new batch number
 * (L1 landed other batches first) and/or a new timestamp (the old one fell out of the window the
 * contract accepts). Only the header, the public inputs and their circuit inputs change, so the
 * batch needs a new proof but no new witness data. Throws ValidationError for another domain, or
 * for a timestamp past `latestTimestamp`, at which some order it fills has expired (rule F10).
 */
export function restampBatch(batch: SealedBatch, header: BatchHeader): SealedBatch {
  validateHeader(header);
  if (header.domain !== batch.domain) throw new ValidationError("header.domain", `must stay the batch's domain ${batch.domain}`, header.domain);
  if (header.timestamp > batch.latestTimestamp) {
    throw new ValidationError("header.timestamp", `must not pass ${batch.latestTimestamp}: an order the batch fills expires then`, header.timestamp);
  }
  const inputs = publicInputs(batch.oldRoot, batch.newRoot, header, batch.pubdata);
  const circuitInput = { ...batch.circuitInput, batchNumber: String(header.batchNumber), timestamp: String(header.timestamp), header: packHeader(header).toString() };
  return { ...batch, batchNumber: header.batchNumber, timestamp: header.timestamp, publicInputs: inputs, circuitInput };
}
