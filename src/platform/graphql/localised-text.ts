import { Field, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { IsOptional, Length } from 'class-validator';
import type { Locale } from './context';

export enum LocaleCode {
  tr = 'tr',
  en = 'en',
}
registerEnumType(LocaleCode, { name: 'Locale', description: 'A language the hub publishes in (ISO 639-1).' });

/** Human-facing text in every published language; reads fall back to the default locale, then to any. */
@ObjectType('LocalisedText', { description: 'Text in Turkish and English.' })
@InputType('LocalisedTextInput')
export class LocalisedText {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 500)
  tr?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 500)
  en?: string;
}

/** Merges localised text: a locale given as null or "" (or blanks) removes that translation; others are trimmed. */
export function mergeLocalised(
  current: Partial<Record<Locale, string>>,
  given: Partial<Record<Locale, string | null>>,
): Partial<Record<Locale, string>> {
  const next = { ...current };
  for (const [locale, value] of Object.entries(given) as [Locale, string | null | undefined][]) {
    if (value === undefined) continue;
    if (value === null || value.trim() === '') delete next[locale];
    else next[locale] = value.trim();
  }
  return next;
}

export function pickLocale(text: Partial<Record<Locale, string>> | null | undefined, wanted: Locale, fallback: Locale): string {
  if (!text) return '';
  return text[wanted] ?? text[fallback] ?? Object.values(text).find((v) => typeof v === 'string') ?? '';
}

/** The locale of an `Accept-Language` header, if it names one the hub publishes in. */
export function localeFromHeader(header: string | undefined, fallback: Locale): Locale {
  if (!header) return fallback;
  for (const part of header.split(',')) {
    const tag = part.split(';')[0].trim().toLowerCase().slice(0, 2);
    if (tag === 'tr' || tag === 'en') return tag;
  }
  return fallback;
}
