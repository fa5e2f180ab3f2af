/**
 * The registration form, built from the event's sessions and fields: the event page uses it to
 * register, the manage page to change details. It validates with the very schemas the handlers
 * use (functions/schemas/registration.ts), so the browser and the API never disagree, and shows
 * each error, the API's included, beside its input in `[data-error-for="<path>"]`.
 */
import type { Signal } from '@preact/signals';
import type { ComponentChildren } from 'preact';
import en from 'zod/v4/locales/en.js';
import ko from 'zod/v4/locales/ko.js';
import type * as z from 'zod/mini';
import { registrationInput, registrationPatch } from '#schemas/registration';
import type { FieldError } from './api.ts';
import { countries } from './countries.ts';
import { lang, local, pick, type Lang } from './i18n.ts';
import { formStrings } from './registration-form.strings.ts';
import type { FormField, PublicEvent, Registration } from './types.ts';

export type Answer = string | string[] | boolean;

export interface FormValues {
  email: string;
  name: string;
  organization: string;
  jobTitle: string;
  locale: Lang;
  sessions: string[];
  answers: Record<string, Answer>;
  privacy: boolean;
  /** The person picked the emails' language; until then it follows the page's. */
  localeChosen?: boolean;
}

export type Mode = 'register' | 'change';

export function emptyValues(locale: Lang): FormValues {
  return { email: '', name: '', organization: '', jobTitle: '', locale, sessions: [], answers: {}, privacy: false };
}

export function valuesOf(r: Registration): FormValues {
  const answers: Record<string, Answer> = {};
  for (const [k, v] of Object.entries(r.answers))
    if (typeof v === 'string' || typeof v === 'boolean' || Array.isArray(v)) answers[k] = v as Answer;
  return {
    email: r.email,
    name: r.name,
    organization: r.organization ?? '',
    jobTitle: r.jobTitle ?? '',
    locale: r.locale,
    sessions: r.sessions.map((s) => s.id),
    answers,
    privacy: true,
    localeChosen: true,
  };
}

/** The request body, shaped as API.md's registration (empty optional inputs left out). */
export function bodyOf(event: PublicEvent, v: FormValues, mode: Mode): Record<string, unknown> {
  const answers: Record<string, unknown> = {};
  for (const f of event.fields) {
    const a = v.answers[f.id];
    if (f.type === 'checkbox') {
      if (a === true || f.required) answers[f.id] = a === true;
    } else if (f.type === 'multiselect') {
      if ((Array.isArray(a) && a.length) || f.required) answers[f.id] = Array.isArray(a) ? a : [];
    } else if (typeof a === 'string' && (a !== '' || (f.required && (f.type === 'text' || f.type === 'textarea')))) {
      answers[f.id] = a;
    }
  }
  const body: Record<string, unknown> = {
    ...(mode === 'register' ? { email: v.email } : {}),
    name: v.name,
    ...(v.organization.trim() || mode === 'change' ? { organization: v.organization } : {}),
    ...(v.jobTitle.trim() || mode === 'change' ? { jobTitle: v.jobTitle } : {}),
    locale: v.locale,
    ...(event.sessions.length ? { sessions: v.sessions } : {}),
    answers,
  };
  if (mode === 'register') body.consent = { privacy: v.privacy };
  return body;
}

const errorMaps: Partial<Record<Lang, z.core.$ZodErrorMap>> = {};
const errorMap = (l: Lang) => (errorMaps[l] ??= (l === 'ko' ? ko() : en()).localeError);

/** The handler's own schema, run in the browser; its issues as the API's `errors` (dotted paths). */
export function check(event: PublicEvent, body: unknown, mode: Mode): FieldError[] {
  const schema = mode === 'register' ? registrationInput(event) : registrationPatch(event);
  const result = schema.safeParse(body, { error: errorMap(lang.value) });
  if (result.success) return [];
  const errors: FieldError[] = [];
  for (const issue of result.error.issues) {
    const at = issue.path.map(String);
    if (issue.code === 'unrecognized_keys')
      for (const key of issue.keys) errors.push({ path: [...at, key].join('.'), message: issue.message });
    // A required input left empty: say so, rather than zod's "expected string, received undefined".
    else if (valueAt(body, at) === undefined) errors.push({ path: at.join('.'), message: pick(formStrings).missing });
    else errors.push({ path: at.join('.'), message: issue.message });
  }
  return errors;
}

function valueAt(body: unknown, path: readonly string[]): unknown {
  let v = body;
  for (const key of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
  return v;
}

const idOf = (path: string) => `f-${path.replace(/[^\w-]/g, '-')}`;
const errId = (path: string) => `e-${path.replace(/[^\w-]/g, '-')}`;

/** Every input path the form renders, so errors without one are listed in the summary instead. */
export function inputPaths(event: PublicEvent, mode: Mode): string[] {
  return [
    ...(mode === 'register' ? ['email'] : []),
    'name',
    'organization',
    'jobTitle',
    'locale',
    ...(event.sessions.length ? ['sessions'] : []),
    ...event.fields.map((f) => `answers.${f.id}`),
    ...(mode === 'register' ? ['consent.privacy'] : []),
  ];
}

/** Where an error is shown: its own input, the group it is nested in (`sessions.1`), or none. */
function homeOf(path: string, paths: readonly string[]): string | undefined {
  if (paths.includes(path)) return path;
  return paths.find((p) => path.startsWith(`${p}.`));
}
const topLevel = (path: string) => (path === 'consent' ? 'consent.privacy' : path);

function ErrorText({ path, errors, paths }: { path: string; errors: readonly FieldError[]; paths: readonly string[] }) {
  const mine = errors.filter((e) => homeOf(topLevel(e.path), paths) === path);
  return (
    <p class="error" id={errId(path)} data-error-for={path}>
      {mine.map((e) => e.message).join(' ')}
    </p>
  );
}

interface Props {
  event: PublicEvent;
  mode: Mode;
  values: Signal<FormValues>;
  errors: Signal<FieldError[]>;
  disabled?: boolean;
}

export function ErrorSummary({ event, mode, errors }: Pick<Props, 'event' | 'mode' | 'errors'>) {
  const t = pick(formStrings);
  const paths = inputPaths(event, mode);
  const list = errors.value;
  return (
    <div class={list.length ? 'summary' : 'summary empty'} role="alert" aria-live="assertive" tabIndex={-1} id="error-summary">
      {list.length > 0 && (
        <>
          <p>
            <strong>{t.errorsTitle(list.length)}</strong>
          </p>
          <ul>
            {list.map((e, i) => {
              const home = homeOf(topLevel(e.path), paths);
              return (
                <li key={i}>
                  {home ? (
                    <a href={`#${idOf(home)}`}>
                      {labelOf(event, home, t)}: {e.message}
                    </a>
                  ) : (
                    <span data-error-for={e.path}>{e.message}</span>
                  )}
                </li>
              );
            })}
          </ul>
        </>
      )}
    </div>
  );
}

function labelOf(event: PublicEvent, path: string, t: (typeof formStrings)['en']): string {
  if (path.startsWith('answers.')) return local(event.fields.find((f) => `answers.${f.id}` === path)?.label);
  if (path === 'consent.privacy') return t.consent;
  return (t as unknown as Record<string, string>)[path] ?? path;
}

function Field(props: {
  path: string;
  label: string;
  required?: boolean;
  hint?: string;
  errors: readonly FieldError[];
  paths: readonly string[];
  children: ComponentChildren;
}) {
  const t = pick(formStrings);
  return (
    <div class="field">
      <label for={idOf(props.path)}>
        {props.label}
        {props.required && <Required t={t} />}
      </label>
      {props.hint && (
        <p class="hint" id={`${idOf(props.path)}-hint`}>
          {props.hint}
        </p>
      )}
      {props.children}
      <ErrorText path={props.path} errors={props.errors} paths={props.paths} />
    </div>
  );
}

const Required = ({ t }: { t: (typeof formStrings)['en'] }) => (
  <span class="required">
    <span aria-hidden="true"> *</span>
    <span class="sr-only"> ({t.required})</span>
  </span>
);

/** aria attributes tying an input to its error (and hint). */
function described(path: string, errors: readonly FieldError[], paths: readonly string[], hint = false) {
  const invalid = errors.some((e) => homeOf(topLevel(e.path), paths) === path);
  return {
    'aria-describedby': `${hint ? `${idOf(path)}-hint ` : ''}${errId(path)}`,
    'aria-invalid': invalid ? ('true' as const) : undefined,
  };
}

export function RegistrationFields({ event, mode, values, errors, disabled }: Props) {
  const t = pick(formStrings);
  const l = lang.value;
  const v = values.value;
  const errs = errors.value;
  const paths = inputPaths(event, mode);
  const set = (patch: Partial<FormValues>) => (values.value = { ...values.value, ...patch });
  const setAnswer = (id: string, a: Answer) => set({ answers: { ...values.value.answers, [id]: a } });
  const text = (path: 'email' | 'name' | 'organization' | 'jobTitle', type: 'email' | 'text', required: boolean, autocomplete: string) => (
    <Field path={path} label={t[path]} required={required} errors={errs} paths={paths}>
      <input
        id={idOf(path)}
        name={path}
        // one of two textbox types; preact's union of input types wants a literal
        type={type as 'text'}
        value={v[path]}
        required={required}
        autocomplete={autocomplete}
        disabled={disabled}
        onInput={(e) => set({ [path]: e.currentTarget.value })}
        {...described(path, errs, paths)}
      />
    </Field>
  );
  return (
    <>
      {mode === 'register' && text('email', 'email', true, 'email')}
      {text('name', 'text', true, 'name')}
      {text('organization', 'text', false, 'organization')}
      {text('jobTitle', 'text', false, 'organization-title')}
      <Field path="locale" label={t.locale} errors={errs} paths={paths}>
        <select
          id={idOf('locale')}
          name="locale"
          value={v.locale}
          disabled={disabled}
          onChange={(e) => set({ locale: e.currentTarget.value as Lang, localeChosen: true })}
          {...described('locale', errs, paths)}
        >
          {(['ko', 'en'] as const).map((x) => (
            <option value={x} key={x}>
              {t.localeNames[x]}
            </option>
          ))}
        </select>
      </Field>
      {event.sessions.length > 0 && (
        <fieldset
          class="field group"
          id={idOf('sessions')}
          tabIndex={-1}
          aria-describedby={`${idOf('sessions')}-hint ${errId('sessions')}`}
        >
          <legend>{t.sessions}</legend>
          <p class="hint" id={`${idOf('sessions')}-hint`}>
            {t.sessionsHint}
          </p>
          {event.sessions.map((s) => {
            const full = s.seatsLeft <= 0;
            const held = v.sessions.includes(s.id);
            const closed = full && !event.registration.waitlist && !held;
            return (
              <div class="choice" key={s.id}>
                <input
                  type="checkbox"
                  id={`${idOf('sessions')}-${s.id}`}
                  name="sessions"
                  value={s.id}
                  checked={held}
                  disabled={disabled || closed}
                  onChange={(e) =>
                    set({
                      sessions: e.currentTarget.checked
                        ? [...values.value.sessions, s.id]
                        : values.value.sessions.filter((x) => x !== s.id),
                    })
                  }
                />
                <label for={`${idOf('sessions')}-${s.id}`}>
                  <span class="session-name">{local(s.name)}</span>{' '}
                  <span class="session-seats">
                    {full ? (
                      <span class={event.registration.waitlist ? 'mark waitlist' : 'mark full'}>
                        {event.registration.waitlist ? t.waitlist : t.full}
                      </span>
                    ) : (
                      t.seatsLeft(s.seatsLeft)
                    )}
                  </span>
                </label>
              </div>
            );
          })}
          <ErrorText path="sessions" errors={errs} paths={paths} />
        </fieldset>
      )}
      {event.fields.map((f) => (
        <AnswerField
          key={f.id}
          field={f}
          value={v.answers[f.id]}
          onChange={(a) => setAnswer(f.id, a)}
          errors={errs}
          paths={paths}
          disabled={disabled}
          lang={l}
        />
      ))}
      {mode === 'register' && (
        <div class="field choice consent">
          <input
            type="checkbox"
            id={idOf('consent.privacy')}
            name="consent.privacy"
            checked={v.privacy}
            required
            disabled={disabled}
            onChange={(e) => set({ privacy: e.currentTarget.checked })}
            {...described('consent.privacy', errs, paths)}
          />
          <label for={idOf('consent.privacy')}>
            {t.consent}
            <Required t={t} />
          </label>
          <ErrorText path="consent.privacy" errors={errs} paths={paths} />
        </div>
      )}
    </>
  );
}

function AnswerField(props: {
  field: FormField;
  value: Answer | undefined;
  onChange: (a: Answer) => void;
  errors: readonly FieldError[];
  paths: readonly string[];
  disabled?: boolean;
  lang: Lang;
}) {
  const { field: f, value, onChange, errors, paths, disabled } = props;
  const t = pick(formStrings);
  const path = `answers.${f.id}`;
  const id = idOf(path);
  const label = local(f.label);
  const str = typeof value === 'string' ? value : '';
  if (f.type === 'multiselect') {
    const chosen = Array.isArray(value) ? value : [];
    return (
      <fieldset class="field group" id={id} tabIndex={-1} aria-describedby={errId(path)}>
        <legend>
          {label}
          {f.required && <Required t={t} />}
        </legend>
        {(f.options ?? []).map((o) => (
          <div class="choice" key={o.value}>
            <input
              type="checkbox"
              id={`${id}-${o.value}`}
              name={path}
              value={o.value}
              checked={chosen.includes(o.value)}
              disabled={disabled}
              onChange={(e) => onChange(e.currentTarget.checked ? [...chosen, o.value] : chosen.filter((x) => x !== o.value))}
            />
            <label for={`${id}-${o.value}`}>{local(o.label)}</label>
          </div>
        ))}
        <ErrorText path={path} errors={errors} paths={paths} />
      </fieldset>
    );
  }
  if (f.type === 'checkbox') {
    return (
      <div class="field choice">
        <input
          type="checkbox"
          id={id}
          name={path}
          checked={value === true}
          required={f.required}
          disabled={disabled}
          onChange={(e) => onChange(e.currentTarget.checked)}
          {...described(path, errors, paths)}
        />
        <label for={id}>
          {label}
          {f.required && <Required t={t} />}
        </label>
        <ErrorText path={path} errors={errors} paths={paths} />
      </div>
    );
  }
  const common = {
    id,
    name: path,
    required: f.required,
    disabled,
    ...described(path, errors, paths, f.type === 'phone' || f.type === 'url'),
  };
  let control: ComponentChildren;
  let hint: string | undefined;
  switch (f.type) {
    case 'textarea':
      control = <textarea {...common} rows={4} value={str} onInput={(e) => onChange(e.currentTarget.value)} />;
      break;
    case 'select':
    case 'country': {
      const options =
        f.type === 'select'
          ? (f.options ?? []).map((o) => ({ value: o.value, label: local(o.label) }))
          : countries(props.lang).map((c) => ({ value: c.code, label: c.name }));
      control = (
        <select {...common} value={str} onChange={(e) => onChange(e.currentTarget.value)}>
          <option value="">{t.choose}</option>
          {options.map((o) => (
            <option value={o.value} key={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      );
      break;
    }
    case 'phone':
      hint = t.phoneHint;
      control = <input {...common} type="tel" autocomplete="tel" value={str} onInput={(e) => onChange(e.currentTarget.value)} />;
      break;
    case 'url':
      hint = t.urlHint;
      control = <input {...common} type="url" autocomplete="url" value={str} onInput={(e) => onChange(e.currentTarget.value)} />;
      break;
    default:
      control = <input {...common} type="text" value={str} onInput={(e) => onChange(e.currentTarget.value)} />;
  }
  return (
    <Field path={path} label={label} required={f.required} hint={hint} errors={errors} paths={paths}>
      {control}
    </Field>
  );
}
