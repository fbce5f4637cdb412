// The kanban of leads or deals (S3): one column per stage of a pipeline, a card per record. A
// card moves by drag and drop, or from the keyboard with its "stage" select and button; a move
// the stage refuses asks for the missing fields (S4, S17). Other users' changes arrive as events
// and move, add or drop cards without a reload.

import { h, replaceChildren, guarded, announce, describeError, formatMoney } from "./dom.js";
import { pipelines, pipelineOf, moveToStage } from "./stages.js";
import { createRecord } from "./create.js";
import { ErrorCode } from "./rpc.js";

const KINDS = {
  lead: {
    heading: "Лиды", add: "Новый лид",
    select: ["title", "stageId", "pipelineId", "name", "lastName", "companyTitle", "city", "version"],
    subtitle: (lead) => [[lead.name, lead.lastName].filter(Boolean).join(" ") || lead.companyTitle, lead.city]
      .filter(Boolean).join(" · "),
  },
  deal: {
    heading: "Сделки", add: "Новая сделка",
    select: ["title", "stageId", "pipelineId", "opportunity", "currency", "version"],
    subtitle: (deal) => formatMoney(deal.opportunity, deal.currency),
  },
};

const PAGE = 500;

/** Renders the board of `entityType` ("lead" or "deal") into `ctx.view`. */
export async function showBoard(ctx, entityType) {
  const kind = KINDS[entityType];
  const { rpc } = ctx;
  const pipeline = await pipelineOf(rpc, entityType, Number(ctx.query.get("pipeline")) || undefined);
  const search = ctx.query.get("q")?.trim() ?? "";
  const board = new Board(ctx, entityType, kind, pipeline, search);
  const others = (await pipelines(rpc, entityType)).filter((one) => one.id !== pipeline.id);
  replaceChildren(ctx.view,
    h("div", { class: "screen-head" },
      h("h1", { text: others.length ? `${kind.heading}: ${pipeline.title}` : kind.heading }),
      others.length ? pipelinePicker(entityType, pipeline, others) : null,
      h("button", { type: "button", class: "primary", text: kind.add, on: { click: guarded(() => board.create()) } }),
      searchForm(entityType, pipeline, search)),
    board.element);
  await board.load();
  ctx.onEvent((event) => board.eventArrived(event));
}

/** Full-text search on the board (names, phones in any notation, e-mails), kept in the address. */
function searchForm(entityType, pipeline, search) {
  const input = h("input", { id: "board-search", type: "search", name: "q", value: search, placeholder: "имя, телефон, e-mail" });
  const form = h("form", { class: "board-search", role: "search", "aria-label": "Поиск по доске" },
    h("label", { for: "board-search", text: "Поиск" }), input,
    h("button", { type: "submit", text: "Найти" }),
    search ? h("a", { href: `#/${entityType}s?pipeline=${pipeline.id}`, text: "Сбросить" }) : null);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const query = new URLSearchParams({ pipeline: String(pipeline.id) });
    if (input.value.trim()) query.set("q", input.value.trim());
    location.hash = `#/${entityType}s?${query}`;
  });
  return form;
}

function pipelinePicker(entityType, current, others) {
  const id = "pipeline-picker";
  const select = h("select", { id, on: { change: () => { location.hash = `#/${entityType}s?pipeline=${select.value}`; } } },
    h("option", { value: current.id, text: current.title, selected: true }),
    others.map((one) => h("option", { value: one.id, text: one.title })));
  return h("span", { class: "pipeline-picker" }, h("label", { for: id, text: "Воронка " }), select);
}

class Board {
  constructor(ctx, entityType, kind, pipeline, search) {
    this.ctx = ctx;
    this.search = search;
    this.rpc = ctx.rpc;
    this.entityType = entityType;
    this.kind = kind;
    this.pipeline = pipeline;
    this.cards = new Map();
    this.columns = new Map();
    this.refreshing = new Set();
    this.element = h("div", { class: "board", "data-entity": entityType, "aria-busy": "true" },
      pipeline.stages.map((stage) => this.column(stage)));
  }

  column(stage) {
    const headingId = `stage-${this.entityType}-${stage.id}`;
    const count = h("span", { class: "count", text: "0" });
    const list = h("ul", { class: "cards", "aria-labelledby": headingId });
    const column = h("section", { class: `column semantic-${stage.semantic}`, dataset: { stage: stage.id } },
      h("h2", { id: headingId }, stage.title, " ", count), list);
    column.addEventListener("dragover", (event) => {
      if (!event.dataTransfer.types.includes("application/x-crmd-card")) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      column.classList.add("drop-target");
    });
    column.addEventListener("dragleave", (event) => {
      if (!column.contains(event.relatedTarget)) column.classList.remove("drop-target");
    });
    column.addEventListener("drop", (event) => {
      event.preventDefault();
      column.classList.remove("drop-target");
      const id = Number(event.dataTransfer.getData("application/x-crmd-card"));
      if (id) this.move(id, stage.id);
    });
    this.columns.set(stage.id, { list, count });
    return column;
  }

  /** Loads every record of the pipeline, a page of 500 at a time, and shows them. */
  async load() {
    let cursor = null;
    do {
      const page = await this.rpc.call(`${this.entityType}.list`, {
        filter: { pipelineId: this.pipeline.id }, select: this.kind.select, order: { id: "desc" }, limit: PAGE,
        ...(this.search ? { search: this.search } : {}), ...(cursor ? { cursor } : {}),
      });
      const byStage = new Map();
      for (const record of page.items) {
        const card = this.card(record);
        if (!byStage.has(record.stageId)) byStage.set(record.stageId, document.createDocumentFragment());
        byStage.get(record.stageId).append(card);
      }
      for (const [stageId, fragment] of byStage) this.columns.get(stageId)?.list.append(fragment);
      cursor = page.next;
      if (!this.element.dataset.ready) {
        this.element.dataset.ready = "true";
        performance.mark("crmd-board-ready");
      }
    } while (cursor);
    this.element.removeAttribute("aria-busy");
    this.element.dataset.loaded = "true";
    this.updateCounts();
  }

  card(record) {
    const link = h("a", { class: "card-title", href: `#/${this.entityType}/${record.id}`, text: record.title });
    const subtitle = h("p", { class: "card-sub", text: this.kind.subtitle(record) });
    const selectId = `move-${this.entityType}-${record.id}`;
    const select = h("select", { id: selectId, class: "card-stage" },
      this.pipeline.stages.map((stage) => h("option", { value: stage.id, text: stage.title, selected: stage.id === record.stageId })));
    const button = h("button", {
      type: "button", class: "card-move", text: "Перенести",
      on: { click: () => this.move(record.id, select.value) },
    });
    select.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        this.move(record.id, select.value);
      }
    });
    const element = h("li", { class: "card", draggable: "true", dataset: { id: record.id, stage: record.stageId } },
      link, subtitle,
      h("div", { class: "card-actions" },
        h("label", { for: selectId, class: "visually-hidden", text: `Стадия: ${record.title}` }), select, button));
    element.addEventListener("dragstart", (event) => {
      event.dataTransfer.setData("application/x-crmd-card", String(record.id));
      event.dataTransfer.setData("text/plain", record.title);
      event.dataTransfer.effectAllowed = "move";
      element.classList.add("dragging");
    });
    element.addEventListener("dragend", () => element.classList.remove("dragging"));
    this.cards.set(record.id, { record, element, link, subtitle, select });
    return element;
  }

  /** Moves a card's record into `stageId`; the card follows once the server agrees. */
  async move(id, stageId) {
    const card = this.cards.get(id);
    if (!card || card.record.stageId === stageId) return;
    card.element.classList.add("pending");
    try {
      const updated = await moveToStage(this.rpc, this.entityType, card.record, stageId, this.pipeline);
      if (updated) {
        this.upsert(updated);
        announce(`«${updated.title}» — в стадии «${this.stageTitle(updated.stageId)}»`);
      } else {
        card.select.value = card.record.stageId;
      }
    } catch (error) {
      card.select.value = card.record.stageId;
      announce(describeError(error), "error");
    } finally {
      card.element.classList.remove("pending");
    }
  }

  stageTitle(stageId) {
    return this.pipeline.stages.find((stage) => stage.id === stageId)?.title ?? stageId;
  }

  /**
   * Shows `record` where it now belongs: a new card, an updated one, or none (other pipeline).
   * While a search is shown, a record from an event is added only if its card is there already
   * (whether it matches is the server's to say).
   */
  upsert(record, { fromEvent = false } = {}) {
    const existing = this.cards.get(record.id);
    const column = this.columns.get(record.stageId);
    if (record.pipelineId !== this.pipeline.id || !column) {
      this.remove(record.id);
      return;
    }
    if (!existing) {
      if (fromEvent && this.search) return;
      column.list.prepend(this.card(record));
      this.updateCounts();
      return;
    }
    existing.record = record;
    existing.link.textContent = record.title;
    existing.subtitle.textContent = this.kind.subtitle(record);
    existing.select.value = record.stageId;
    if (existing.element.dataset.stage !== record.stageId) {
      const hadFocus = existing.element.contains(document.activeElement) ? document.activeElement : null;
      existing.element.dataset.stage = record.stageId;
      column.list.prepend(existing.element);
      hadFocus?.focus();
      this.updateCounts();
    }
  }

  remove(id) {
    const card = this.cards.get(id);
    if (!card) return;
    card.element.remove();
    this.cards.delete(id);
    this.updateCounts();
  }

  updateCounts() {
    for (const { list, count } of this.columns.values()) count.textContent = String(list.childElementCount);
  }

  /** An event from the subscription: re-reads the record it names (coalesced per id). */
  eventArrived(event) {
    if (event.entityType !== this.entityType || typeof event.id !== "number") return;
    if (event.topic.endsWith(".deleted")) {
      this.remove(event.id);
      return;
    }
    if (this.refreshing.has(event.id)) return;
    this.refreshing.add(event.id);
    queueMicrotask(async () => {
      this.refreshing.delete(event.id);
      try {
        this.upsert(await this.rpc.call(`${this.entityType}.get`, { id: event.id }), { fromEvent: true });
      } catch (error) {
        if (error.code === ErrorCode.notFound || error.code === ErrorCode.forbidden) this.remove(event.id);
        else console.error(error);
      }
    });
  }

  async create() {
    const record = await createRecord(this.ctx, this.entityType, this.pipeline);
    if (record) this.upsert(record);
  }
}
