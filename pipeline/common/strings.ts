/** Words offprint adds to a document, per language; English is the fallback. */
export interface UiStrings {
  contents: string
  notes: string
  glossary: string
  backToReference: string
  imageNotIncluded: string
  skipToContent: string
  editions: string
  /** Link from an edition back to the site's list of articles. */
  allArticles: string
}

const strings: Record<string, UiStrings> = {
  en: {
    contents: 'Contents',
    notes: 'Notes',
    glossary: 'Glossary',
    backToReference: 'Back to reference',
    imageNotIncluded: 'Image not included in the offline edition',
    skipToContent: 'Skip to content',
    editions: 'Editions',
    allArticles: 'All articles',
  },
  ru: {
    contents: 'Содержание',
    notes: 'Примечания',
    glossary: 'Глоссарий',
    backToReference: 'Вернуться к ссылке',
    imageNotIncluded: 'Изображение не включено в офлайн-издание',
    skipToContent: 'Перейти к тексту',
    editions: 'Издания',
    allArticles: 'Все статьи',
  },
  kk: {
    contents: 'Мазмұны',
    notes: 'Ескертпелер',
    glossary: 'Глоссарий',
    backToReference: 'Сілтемеге оралу',
    imageNotIncluded: 'Сурет офлайн басылымға енгізілмеген',
    skipToContent: 'Мәтінге өту',
    editions: 'Басылымдар',
    allArticles: 'Барлық мақалалар',
  },
}

/** The strings for a language tag (`kk-KZ` uses `kk`). */
export function uiStrings(lang: string): UiStrings {
  return strings[lang.toLowerCase().split('-')[0] ?? 'en'] ?? (strings.en as UiStrings)
}
