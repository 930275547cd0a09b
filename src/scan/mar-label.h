/* mar-label.h — printable labels: wristbands, IV bags, pharmacy bags, badges
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The symbols come from libzint (zxing-cpp 1.4 cannot write a GS1
 * DataMatrix: it has no FNC1), drawn as vector rectangles with cairo, so a
 * PDF prints crisp at any resolution. Every symbol has its human-readable
 * text under it (GS1 General Specifications 4.15: the HRI of a GS1 element
 * string shows each AI in parentheses). marctl labels lays the demo ward's
 * labels out on A4 or Letter pages with mar_label_sheet_write_pdf().
 */

#pragma once

#include <cairo.h>
#include <gio/gio.h>

G_BEGIN_DECLS

#define MAR_LABEL_ERROR (mar_label_error_quark ())

typedef enum
{
  MAR_LABEL_ERROR_INVALID_DATA,   /* the data cannot be encoded (bad GS1 AI or check digit, bad characters) */
  MAR_LABEL_ERROR_TOO_LONG,       /* too much data for the symbology */
  MAR_LABEL_ERROR_OUTPUT,         /* the PDF or image could not be written */
} MarLabelError;

typedef enum
{
  /* GS1 element string in bracketed form: "[01]00304090123459[17]271231[10]A12".
   * Square symbols only (ISO/IEC 16022 ECC 200; GS1 healthcare labels). */
  MAR_SYMBOL_GS1_DATAMATRIX,
  MAR_SYMBOL_DATAMATRIX,
  MAR_SYMBOL_CODE128,
  MAR_SYMBOL_GS1_128,               /* bracketed GS1 element string */
  MAR_SYMBOL_QR,
  MAR_SYMBOL_GS1_QR,                /* bracketed GS1 element string */
  MAR_SYMBOL_PDF417,
  MAR_SYMBOL_GS1_DATABAR_EXPANDED,  /* bracketed GS1 element string */
  MAR_SYMBOL_EAN13,                 /* 12 or 13 digits */
} MarSymbology;

typedef enum
{
  MAR_LABEL_WRISTBAND,      /* patient: Code 128 MRN and GS1 DataMatrix GSRN (8018) */
  MAR_LABEL_IV_BAG,         /* manufacturer: GS1 DataMatrix GTIN, expiry, lot, serial */
  MAR_LABEL_PHARMACY_BAG,   /* pharmacy: Code 128 label id (a MedicationDispense) */
  MAR_LABEL_STAFF_BADGE,    /* nurse, witness */
} MarLabelKind;

typedef enum
{
  MAR_PAPER_A4,
  MAR_PAPER_LETTER,
} MarPaperSize;

/* One encoded symbol. */
typedef struct _MarSymbol MarSymbol;

GQuark          mar_label_error_quark        (void);

/* (transfer full) NULL with MAR_LABEL_ERROR set if @data cannot be encoded. */
MarSymbol      *mar_symbol_new               (MarSymbology          symbology,
                                              const char           *data,
                                              GError              **error);
void            mar_symbol_free              (MarSymbol            *symbol);
MarSymbology    mar_symbol_get_symbology     (const MarSymbol      *symbol);
/* The data as given. */
const char     *mar_symbol_get_data          (const MarSymbol      *symbol);
/* The human-readable text: "(01)00304090123459(17)271231" for GS1, the data
 * otherwise. */
const char     *mar_symbol_get_text          (const MarSymbol      *symbol);
/* TRUE for one-row bar codes (Code 128, GS1-128, DataBar, EAN), whose bar
 * height is free. */
gboolean        mar_symbol_is_linear         (const MarSymbol      *symbol);
/* The size in modules, quiet zone included (for linear symbols the height
 * is 0: it is whatever the bars are drawn). */
void            mar_symbol_get_modules       (const MarSymbol      *symbol,
                                              double               *width,
                                              double               *height);
/* Draws the dark modules with the current source, the quiet zone's top
 * left corner at (@x, @y), @module units per module; @bar_height is the
 * height of linear symbols (ignored for 2D ones). No text. */
void            mar_symbol_draw              (const MarSymbol      *symbol,
                                              cairo_t              *cr,
                                              double                x,
                                              double                y,
                                              double                module,
                                              double                bar_height);
/* (transfer full) A white RGB24 image of the symbol and its quiet zone,
 * @module_px pixels per module, linear symbols @bar_px high; no text. For
 * tests and benchmarks. */
cairo_surface_t *mar_symbol_render_image     (const MarSymbol      *symbol,
                                              int                   module_px,
                                              int                   bar_px);

/* A label to print: a title, lines of text and up to two symbols. */
typedef struct _MarLabel MarLabel;

MarLabel       *mar_label_new                (MarLabelKind          kind,
                                              const char           *title);
void            mar_label_free               (MarLabel             *label);
MarLabelKind    mar_label_get_kind           (const MarLabel       *label);
void            mar_label_add_line           (MarLabel             *label,
                                              const char           *text);
/* Encodes @data now, so a bad payload is an error here rather than a gap
 * on the sheet. At most two symbols per label. */
gboolean        mar_label_add_symbol         (MarLabel             *label,
                                              MarSymbology          symbology,
                                              const char           *data,
                                              GError              **error);
guint           mar_label_get_n_symbols      (const MarLabel       *label);
/* (transfer none) */
const MarSymbol *mar_label_get_symbol        (const MarLabel       *label,
                                              guint                 index);
/* The printed size in points (1/72 inch). */
void            mar_label_get_size           (const MarLabel       *label,
                                              double               *width,
                                              double               *height);
/* Draws the label (white ground, cut line, text, symbols) with its top
 * left corner at (@x, @y), in points of the current user space. */
void            mar_label_draw               (const MarLabel       *label,
                                              cairo_t              *cr,
                                              double                x,
                                              double                y);
/* (transfer full) The label as an RGB24 image at @pixels_per_mm. */
cairo_surface_t *mar_label_render_image      (const MarLabel       *label,
                                              double                pixels_per_mm);

/* Lays @labels (MarLabel *) out on pages of @paper, in order, as many to
 * a page as fit, and writes the PDF to @stream. */
gboolean        mar_label_sheet_write_pdf_to_stream (GPtrArray     *labels,
                                                     MarPaperSize   paper,
                                                     GOutputStream *stream,
                                                     GCancellable  *cancellable,
                                                     GError       **error);
gboolean        mar_label_sheet_write_pdf    (GPtrArray            *labels,
                                              MarPaperSize          paper,
                                              const char           *path,
                                              GError              **error);
/* How many pages mar_label_sheet_write_pdf() would write. */
guint           mar_label_sheet_count_pages  (GPtrArray            *labels,
                                              MarPaperSize          paper);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarSymbol, mar_symbol_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarLabel, mar_label_free)

G_END_DECLS
