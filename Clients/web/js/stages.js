// Funnels and stage moves (S3, S4, S17): a move is `<entity>.update` with `fields.stageId`; a
// refusal lists the missing fields, which are asked for and sent with the move again.

import { withRequiredFields } from "./fields.js";

const pipelineLists = new Map();

/** The pipelines of leads or deals with their stages in order (fetched once per page load). */
export async function pipelines(rpc, entityType) {
  if (!pipelineLists.has(entityType)) {
    pipelineLists.set(entityType, rpc.call("pipeline.list", { entityType }).then((result) => result.items));
  }
  try {
    return await pipelineLists.get(entityType);
  } catch (error) {
    pipelineLists.delete(entityType);
    throw error;
  }
}

/** The pipeline with `id`, else the default one. */
export async function pipelineOf(rpc, entityType, id) {
  const all = await pipelines(rpc, entityType);
  return all.find((pipeline) => pipeline.id === id) ?? all.find((pipeline) => pipeline.isDefault) ?? all[0];
}

export function stageTitle(pipeline, stageId) {
  return pipeline?.stages.find((stage) => stage.id === stageId)?.title ?? stageId;
}

/**
 * Moves a lead or deal into `stageId`, asking for the fields the stage requires if the move is
 * refused. Resolves with the updated record, or null if the manager cancelled.
 */
export function moveToStage(rpc, entityType, record, stageId, pipeline) {
  const title = `Переход в стадию «${stageTitle(pipeline, stageId)}»`;
  return withRequiredFields(rpc,
    (extra) => rpc.call(`${entityType}.update`, { id: record.id, fields: { ...extra, stageId } }),
    { title, intro: "Для этой стадии нужно заполнить:", record });
}
