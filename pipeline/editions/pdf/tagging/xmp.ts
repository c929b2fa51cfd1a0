import type { Element as XmlElement, ElementContent, Root as XmlRoot } from 'xast'
import { toXml } from 'xast-util-to-xml'

/** The document metadata the PDF carries, in its Info dictionary and in XMP. */
export interface PdfMetadata {
  title: string
  authors: readonly string[]
  subject?: string
  keywords: readonly string[]
  /** BCP 47 tag for the catalog's `/Lang`. */
  lang: string
  /** `/Creator` and `/Producer`. */
  creator: string
  producer: string
  /** CreationDate and ModDate. */
  date: Date
}

/**
 * The XMP metadata packet (the catalog's /Metadata stream) that PDF/UA-1
 * asks for, with `dc:title` beside the document information dictionary.
 * It claims no conformance (`pdfuaid:part`): see the README for what is met.
 */
export function xmpPacket(metadata: PdfMetadata): string {
  const date = metadata.date.toISOString().replace(/\.\d{3}Z$/, 'Z')
  const properties: XmlElement[] = [
    element('dc:format', {}, [text('application/pdf')]),
    element('dc:title', {}, [alternative(metadata.title)]),
    element('dc:language', {}, [container('rdf:Bag', [metadata.lang])]),
    element('pdf:Producer', {}, [text(metadata.producer)]),
    element('xmp:CreatorTool', {}, [text(metadata.creator)]),
    element('xmp:CreateDate', {}, [text(date)]),
    element('xmp:ModifyDate', {}, [text(date)]),
    element('xmp:MetadataDate', {}, [text(date)]),
  ]
  if (metadata.authors.length > 0) properties.push(element('dc:creator', {}, [container('rdf:Seq', metadata.authors)]))
  if (metadata.subject) properties.push(element('dc:description', {}, [alternative(metadata.subject)]))
  if (metadata.keywords.length > 0) {
    properties.push(element('dc:subject', {}, [container('rdf:Bag', metadata.keywords)]))
    properties.push(element('pdf:Keywords', {}, [text(metadata.keywords.join(', '))]))
  }
  const description = element(
    'rdf:Description',
    { 'rdf:about': '', 'xmlns:dc': 'http://purl.org/dc/elements/1.1/', 'xmlns:pdf': 'http://ns.adobe.com/pdf/1.3/', 'xmlns:xmp': 'http://ns.adobe.com/xap/1.0/' },
    properties,
  )
  const tree: XmlRoot = {
    type: 'root',
    children: [
      { type: 'instruction', name: 'xpacket', value: 'begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"' },
      element('x:xmpmeta', { 'xmlns:x': 'adobe:ns:meta/' }, [element('rdf:RDF', { 'xmlns:rdf': 'http://www.w3.org/1999/02/22-rdf-syntax-ns#' }, [description])]),
      { type: 'instruction', name: 'xpacket', value: 'end="r"' },
    ],
  }
  return toXml(tree)
}

function element(name: string, attributes: Record<string, string>, children: ElementContent[]): XmlElement {
  return { type: 'element', name, attributes, children }
}

function text(value: string): ElementContent {
  return { type: 'text', value }
}

/** A language alternative with one default entry. */
function alternative(value: string): XmlElement {
  return element('rdf:Alt', {}, [element('rdf:li', { 'xml:lang': 'x-default' }, [text(value)])])
}

function container(name: 'rdf:Bag' | 'rdf:Seq', values: readonly string[]): XmlElement {
  return element(
    name,
    {},
    values.map((value) => element('rdf:li', {}, [text(value)])),
  )
}
