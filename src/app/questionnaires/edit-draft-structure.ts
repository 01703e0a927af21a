/**
 * Structure edits an officer makes with buttons instead of JSON: add, remove and move a
 * question, make it optional or required, add or remove an option. Pure functions over the
 * draft's definition (which may be invalid while being edited); validation still decides
 * whether the result can be published.
 */

import { QUESTION_TYPE_NAMES, questionType } from '../../engine/question-types/registry.js';
import { IDENTIFIER } from '../../engine/codes.js';

export type StructureEdit =
  | { op: 'add'; id: string; type: string; optional: boolean; options: string[] }
  | { op: 'remove' | 'up' | 'down' | 'optional'; question: string }
  | { op: 'types'; types: string[] }
  | { op: 'add-option'; question: string; code: string }
  | { op: 'remove-option' | 'option-up' | 'option-down'; question: string; code: string };

type Q = Record<string, unknown> & { id?: unknown; options?: unknown };

/** Reads the button pressed (`op` = "remove:wait", "add-option:wait", ...) and its fields. */
export function readStructureEdit(body: Record<string, unknown>): StructureEdit | { error: string } {
  const s = (k: string) => (typeof body[k] === 'string' ? (body[k] as string).trim() : '');
  const [op, question = ''] = s('op').split(':');
  switch (op) {
    case 'add': {
      const type = s('new_type');
      // the types the engine registers, and no others
      if (!QUESTION_TYPE_NAMES.includes(type)) return { error: 'choose the type of the new question' };
      const options = s('new_options')
        .split(/[\s,]+/)
        .filter(Boolean);
      return { op: 'add', id: s('new_id'), type, optional: body.new_optional === 'on', options };
    }
    case 'types': {
      // checkboxes send the field once per type chosen; a typed list (the API, older forms) is split on spaces and commas
      const given = body.facility_types;
      const values = Array.isArray(given) ? given.filter((v): v is string => typeof v === 'string') : [s('facility_types')];
      return { op, types: values.flatMap((v) => v.split(/[\s,]+/)).filter(Boolean) };
    }
    case 'remove':
    case 'up':
    case 'down':
    case 'optional':
      return { op, question };
    case 'add-option':
      return { op, question, code: s(`new_option_${question}`) };
    case 'remove-option':
    case 'option-up':
    case 'option-down': {
      const [q, code = ''] = question.split('/');
      return { op, question: q ?? '', code };
    }
    default:
      return { error: 'unknown change' };
  }
}

export function applyStructureEdit(definition: unknown, edit: StructureEdit): { ok: true; definition: Record<string, unknown> } | { ok: false; message: string } {
  if (typeof definition !== 'object' || definition === null || !Array.isArray((definition as { questions?: unknown }).questions)) {
    return { ok: false, message: 'the questions JSON is not in a shape these buttons understand; fix it by hand first' };
  }
  const def = structuredClone(definition) as Record<string, unknown> & { questions: Q[] };
  const index = 'question' in edit ? def.questions.findIndex((q) => q?.id === edit.question) : -1;
  if ('question' in edit && index < 0) return { ok: false, message: `there is no question "${edit.question}"` };
  switch (edit.op) {
    case 'types': {
      // which kinds of facility this questionnaire serves; publishing checks that no other live one serves them too
      if (edit.types.length === 0) return { ok: false, message: 'choose at least one facility type (kind of service), such as clinic or water_point' };
      const bad = edit.types.find((t) => !IDENTIFIER.test(t));
      if (bad) return { ok: false, message: `facility type "${bad}" must use lower-case letters, digits and _, and start with a letter` };
      def.facilityTypes = [...new Set(edit.types)];
      break;
    }
    case 'add': {
      if (!IDENTIFIER.test(edit.id)) return { ok: false, message: 'a question id uses lower-case letters, digits and _, and starts with a letter' };
      if (def.questions.some((q) => q?.id === edit.id)) return { ok: false, message: `there is already a question "${edit.id}"` };
      const bad = edit.options.find((o) => !IDENTIFIER.test(o));
      if (bad) return { ok: false, message: `option code "${bad}" must use lower-case letters, digits and _, and start with a letter` };
      // what a new question of its type starts with comes from the type itself (the engine's registry)
      const q: Q = { id: edit.id, type: edit.type, optional: edit.optional, ...questionType({ type: edit.type }).editorDefaults() };
      if (Array.isArray(q.options)) {
        if (edit.options.length < 2) return { ok: false, message: `a ${edit.type} question needs at least two option codes` };
        if (new Set(edit.options).size !== edit.options.length) return { ok: false, message: 'each option code may appear only once' };
        q.options = edit.options.map((code) => ({ code }));
      }
      def.questions.push(q);
      break;
    }
    case 'remove': {
      const id = edit.question;
      const dependants = def.questions.filter((q) => (q?.showIf as { question?: unknown } | undefined)?.question === id).map((q) => String(q.id));
      if (dependants.length) return { ok: false, message: `"${dependants.join('", "')}" is shown depending on "${id}"; change that first` };
      def.questions.splice(index, 1);
      break;
    }
    case 'up':
    case 'down': {
      const to = edit.op === 'up' ? index - 1 : index + 1;
      if (to < 0 || to >= def.questions.length) return { ok: true, definition: def };
      const [moved] = def.questions.splice(index, 1);
      def.questions.splice(to, 0, moved!);
      break;
    }
    case 'optional': {
      const q = def.questions[index]!;
      q.optional = !q.optional;
      break;
    }
    case 'add-option': {
      const q = def.questions[index]!;
      if (!Array.isArray(q.options)) return { ok: false, message: `"${edit.question}" has no options` };
      if (!IDENTIFIER.test(edit.code)) return { ok: false, message: 'an option code uses lower-case letters, digits and _, and starts with a letter' };
      if ((q.options as Array<{ code?: unknown }>).some((o) => o?.code === edit.code)) return { ok: false, message: `"${edit.question}" already has option "${edit.code}"` };
      (q.options as unknown[]).push({ code: edit.code });
      break;
    }
    case 'option-up':
    case 'option-down': {
      const q = def.questions[index]!;
      const options = Array.isArray(q.options) ? (q.options as Array<{ code?: unknown }>) : [];
      const from = options.findIndex((o) => o?.code === edit.code);
      if (from < 0) return { ok: false, message: `"${edit.question}" has no option "${edit.code}"` };
      const to = edit.op === 'option-up' ? from - 1 : from + 1;
      if (to < 0 || to >= options.length) return { ok: true, definition: def };
      const [moved] = options.splice(from, 1);
      options.splice(to, 0, moved!);
      break;
    }
    case 'remove-option': {
      const q = def.questions[index]!;
      const options = Array.isArray(q.options) ? (q.options as Array<{ code?: unknown }>) : [];
      if (!options.some((o) => o?.code === edit.code)) return { ok: false, message: `"${edit.question}" has no option "${edit.code}"` };
      q.options = options.filter((o) => o?.code !== edit.code);
      break;
    }
  }
  return { ok: true, definition: def };
}
