import { PDFName } from 'pdf-lib'

/**
 * The names the tagging passes look up in every element, page and
 * annotation, made once: `PDFName.of` runs a regular expression over its
 * argument on every call.
 */
export const PdfName = {
  A: PDFName.of('A'),
  Annots: PDFName.of('Annots'),
  Aside: PDFName.of('Aside'),
  Contents: PDFName.of('Contents'),
  DecodeParms: PDFName.of('DecodeParms'),
  Dest: PDFName.of('Dest'),
  Filter: PDFName.of('Filter'),
  FlateDecode: PDFName.of('FlateDecode'),
  Font: PDFName.of('Font'),
  Headers: PDFName.of('Headers'),
  ID: PDFName.of('ID'),
  IDTree: PDFName.of('IDTree'),
  K: PDFName.of('K'),
  Kids: PDFName.of('Kids'),
  LBody: PDFName.of('LBody'),
  LI: PDFName.of('LI'),
  Lbl: PDFName.of('Lbl'),
  Limits: PDFName.of('Limits'),
  Link: PDFName.of('Link'),
  MCID: PDFName.of('MCID'),
  MediaBox: PDFName.of('MediaBox'),
  Names: PDFName.of('Names'),
  NonStruct: PDFName.of('NonStruct'),
  Note: PDFName.of('Note'),
  Nums: PDFName.of('Nums'),
  P: PDFName.of('P'),
  Pg: PDFName.of('Pg'),
  Resources: PDFName.of('Resources'),
  S: PDFName.of('S'),
  StructParent: PDFName.of('StructParent'),
  Subtype: PDFName.of('Subtype'),
  ToUnicode: PDFName.of('ToUnicode'),
  Type0: PDFName.of('Type0'),
  URI: PDFName.of('URI'),
} as const
