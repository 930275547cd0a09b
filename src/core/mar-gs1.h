/* mar-gs1.h — GS1 Application Identifiers by the GS1 Barcode Syntax Dictionary
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The part of mar-barcode.c that knows GS1: the AI table (loaded once from
 * the GS1 Barcode Syntax Dictionary compiled into the core as a resource),
 * the GS1 Barcode Syntax Tests ("linters"), and the three ways GS1 data
 * reaches us: element strings (FNC1 as GS, 0x1D), the bracketed human form
 * "(01)…(10)…", and GS1 Digital Link URIs. Parsing checks every element as
 * it is read (length, character set, linters); the pairing rules of the
 * dictionary (req=, ex=) and repeated AIs are checked over the whole scan by
 * mar_gs1_validate_associations().
 *
 * Rejections are MAR_BARCODE_ERROR errors whose message names the AI, the
 * value and the reason. Internal to the core; the rest of the project uses
 * mar-barcode.h.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The most elements one scan may hold (the GS1 Syntax Engine's limit too). */
#define MAR_GS1_MAX_ELEMENTS 64

/* Verdicts of the GS1 Barcode Syntax Tests, named as the GS1 Syntax Engine
 * names them (gs1_lint_err_t without the prefix) so that its published test
 * vectors compare directly. UNKNOWN_LINTER is ours: a dictionary rule this
 * build does not implement, which fails closed. */
#define MAR_GS1_LINT_LIST(X) \
  X (OK) \
  X (UNKNOWN_LINTER) \
  X (NON_DIGIT_CHARACTER) \
  X (INVALID_CSET82_CHARACTER) \
  X (INVALID_CSET39_CHARACTER) \
  X (INVALID_CSET64_CHARACTER) \
  X (INVALID_CSET64_PADDING) \
  X (TOO_SHORT_FOR_CHECK_DIGIT) \
  X (INCORRECT_CHECK_DIGIT) \
  X (TOO_SHORT_FOR_CHECK_PAIR) \
  X (TOO_LONG_FOR_CHECK_PAIR_IMPLEMENTATION) \
  X (INCORRECT_CHECK_PAIR) \
  X (TOO_SHORT_FOR_GCP) \
  X (INVALID_GCP_PREFIX) \
  X (REQUIRES_NON_DIGIT_CHARACTER) \
  X (DATE_TOO_SHORT) \
  X (DATE_TOO_LONG) \
  X (ILLEGAL_MONTH) \
  X (ILLEGAL_DAY) \
  X (HOUR_TOO_SHORT) \
  X (HOUR_TOO_LONG) \
  X (ILLEGAL_HOUR) \
  X (MINUTE_TOO_SHORT) \
  X (MINUTE_TOO_LONG) \
  X (ILLEGAL_MINUTE) \
  X (SECOND_TOO_SHORT) \
  X (SECOND_TOO_LONG) \
  X (ILLEGAL_SECOND) \
  X (HOUR_WITH_MINUTE_TOO_SHORT) \
  X (HOUR_WITH_MINUTE_TOO_LONG) \
  X (NOT_HYPHEN) \
  X (NOT_ZERO) \
  X (NOT_ZERO_OR_ONE) \
  X (ILLEGAL_ZERO_VALUE) \
  X (ILLEGAL_ZERO_PREFIX) \
  X (INVALID_WINDING_DIRECTION) \
  X (INVALID_BIOLOGICAL_SEX_CODE) \
  X (NOT_ISO3166) \
  X (NOT_ISO3166_OR_999) \
  X (NOT_ISO3166_ALPHA2) \
  X (NOT_ISO4217) \
  X (LATITUDE_INVALID_LENGTH) \
  X (INVALID_LATITUDE) \
  X (LONGITUDE_INVALID_LENGTH) \
  X (INVALID_LONGITUDE) \
  X (INVALID_PERCENT_SEQUENCE) \
  X (INVALID_LENGTH_FOR_PIECE_OF_TOTAL) \
  X (ZERO_PIECE_NUMBER) \
  X (ZERO_TOTAL_PIECES) \
  X (PIECE_NUMBER_EXCEEDS_TOTAL) \
  X (POSITION_IN_SEQUENCE_MALFORMED) \
  X (POSITION_EXCEEDS_END) \
  X (IMPORTER_IDX_MUST_BE_ONE_CHARACTER) \
  X (INVALID_IMPORT_IDX_CHARACTER) \
  X (INVALID_MEDIA_TYPE) \
  X (IBAN_TOO_SHORT) \
  X (IBAN_TOO_LONG) \
  X (INVALID_IBAN_CHARACTER) \
  X (ILLEGAL_IBAN_COUNTRY_CODE) \
  X (INCORRECT_IBAN_CHECKSUM) \
  X (COUPON_MISSING_FORMAT_CODE) \
  X (COUPON_INVALID_FORMAT_CODE) \
  X (COUPON_MISSING_FUNDER_VLI) \
  X (COUPON_INVALID_FUNDER_LENGTH) \
  X (COUPON_TRUNCATED_FUNDER) \
  X (COUPON_MISSING_GCP_VLI) \
  X (COUPON_INVALID_GCP_LENGTH) \
  X (COUPON_TRUNCATED_GCP) \
  X (COUPON_TRUNCATED_OFFER_CODE) \
  X (COUPON_MISSING_SAVE_VALUE_VLI) \
  X (COUPON_INVALID_SAVE_VALUE_LENGTH) \
  X (COUPON_TRUNCATED_SAVE_VALUE) \
  X (COUPON_MISSING_1ST_PURCHASE_REQUIREMENT_VLI) \
  X (COUPON_INVALID_1ST_PURCHASE_REQUIREMENT_LENGTH) \
  X (COUPON_TRUNCATED_1ST_PURCHASE_REQUIREMENT) \
  X (COUPON_MISSING_1ST_PURCHASE_REQUIREMENT_CODE) \
  X (COUPON_INVALID_1ST_PURCHASE_REQUIREMENT_CODE) \
  X (COUPON_TRUNCATED_1ST_PURCHASE_FAMILY_CODE) \
  X (COUPON_MISSING_ADDITIONAL_PURCHASE_RULES_CODE) \
  X (COUPON_INVALID_ADDITIONAL_PURCHASE_RULES_CODE) \
  X (COUPON_MISSING_2ND_PURCHASE_REQUIREMENT_VLI) \
  X (COUPON_INVALID_2ND_PURCHASE_REQUIREMENT_LENGTH) \
  X (COUPON_TRUNCATED_2ND_PURCHASE_REQUIREMENT) \
  X (COUPON_MISSING_2ND_PURCHASE_REQUIREMENT_CODE) \
  X (COUPON_INVALID_2ND_PURCHASE_REQUIREMENT_CODE) \
  X (COUPON_TRUNCATED_2ND_PURCHASE_FAMILY_CODE) \
  X (COUPON_MISSING_2ND_PURCHASE_GCP_VLI) \
  X (COUPON_INVALID_2ND_PURCHASE_GCP_LENGTH) \
  X (COUPON_TRUNCATED_2ND_PURCHASE_GCP) \
  X (COUPON_MISSING_3RD_PURCHASE_REQUIREMENT_VLI) \
  X (COUPON_INVALID_3RD_PURCHASE_REQUIREMENT_LENGTH) \
  X (COUPON_TRUNCATED_3RD_PURCHASE_REQUIREMENT) \
  X (COUPON_MISSING_3RD_PURCHASE_REQUIREMENT_CODE) \
  X (COUPON_INVALID_3RD_PURCHASE_REQUIREMENT_CODE) \
  X (COUPON_TRUNCATED_3RD_PURCHASE_FAMILY_CODE) \
  X (COUPON_MISSING_3RD_PURCHASE_GCP_VLI) \
  X (COUPON_INVALID_3RD_PURCHASE_GCP_LENGTH) \
  X (COUPON_TRUNCATED_3RD_PURCHASE_GCP) \
  X (COUPON_TOO_SHORT_FOR_EXPIRATION_DATE) \
  X (COUPON_INVALID_EXIPIRATION_DATE) \
  X (COUPON_TOO_SHORT_FOR_START_DATE) \
  X (COUPON_INVALID_START_DATE) \
  X (COUPON_EXPIRATION_BEFORE_START) \
  X (COUPON_MISSING_SERIAL_NUMBER_VLI) \
  X (COUPON_TRUNCATED_SERIAL_NUMBER) \
  X (COUPON_MISSING_RETAILER_GCP_OR_GLN_VLI) \
  X (COUPON_INVALID_RETAILER_GCP_OR_GLN_LENGTH) \
  X (COUPON_TRUNCATED_RETAILER_GCP_OR_GLN) \
  X (COUPON_MISSING_SAVE_VALUE_CODE) \
  X (COUPON_INVALID_SAVE_VALUE_CODE) \
  X (COUPON_MISSING_SAVE_VALUE_APPLIES_TO_ITEM) \
  X (COUPON_INVALID_SAVE_VALUE_APPLIES_TO_ITEM) \
  X (COUPON_MISSING_STORE_COUPON_FLAG) \
  X (COUPON_MISSING_DONT_MULTIPLY_FLAG) \
  X (COUPON_INVALID_DONT_MULTIPLY_FLAG) \
  X (COUPON_EXCESS_DATA)

#define MAR_GS1_LINT_ENUM_ENTRY(name) MAR_GS1_LINT_##name,
typedef enum
{
  MAR_GS1_LINT_LIST (MAR_GS1_LINT_ENUM_ENTRY)
  MAR_GS1_LINT_N_RESULTS
} MarGs1Lint;
#undef MAR_GS1_LINT_ENUM_ENTRY

/* "INCORRECT_CHECK_DIGIT": the GS1 Syntax Engine's name of a verdict. */
const char      *mar_gs1_lint_to_string             (MarGs1Lint        lint);

/* Runs the linter the syntax dictionary calls @name ("csum", "yymmd0",
 * "cset82"...) over @len bytes. On a failure @err_pos/@err_len (nullable)
 * say which bytes are at fault. FALSE when no linter has that name. */
gboolean         mar_gs1_lint                       (const char       *name,
                                                     const char       *data,
                                                     gsize             len,
                                                     MarGs1Lint       *result,
                                                     gsize            *err_pos,
                                                     gsize            *err_len);

/* The GS1 mod-10 check digit ('0'..'9') of @len digits, or 0 when one of
 * them is not a digit. GS1 General Specifications 7.9.1. */
char             mar_gs1_compute_check_digit        (const char       *digits,
                                                     gsize             len);

/* Text that may go into a message: valid UTF-8, control and invisible
 * characters shown as U+FFFD, at most 48 characters. */
char            *mar_gs1_printable                  (const char       *s,
                                                     gsize             len);

/* One AI of the syntax dictionary (a range such as 3100-3105 is one entry
 * per AI). Owned by the dictionary, which lives as long as the process. */
typedef struct _MarGs1Ai MarGs1Ai;

/* The dictionary entry for exactly @len digits (2–4), or NULL. The
 * dictionary is parsed once, on first use, whatever the thread. */
const MarGs1Ai  *mar_gs1_lookup_ai                  (const char       *ai,
                                                     gsize             len);
const char      *mar_gs1_ai_get_code                (const MarGs1Ai   *ai);
/* What a person calls it: "Expiry date", "Lot", or the dictionary title. */
const char      *mar_gs1_ai_get_name                (const MarGs1Ai   *ai);
/* Pre-defined length (flag "*"): no FNC1 separator follows it. */
gboolean         mar_gs1_ai_is_predefined_length    (const MarGs1Ai   *ai);
gsize            mar_gs1_ai_get_min_length          (const MarGs1Ai   *ai);
gsize            mar_gs1_ai_get_max_length          (const MarGs1Ai   *ai);

/* Every linter name the compiled dictionary uses, sorted (transfer
 * container): a test checks that each one is implemented. */
GPtrArray       *mar_gs1_dictionary_list_linters    (void);
/* How many AIs the dictionary defines (ranges expanded). */
guint            mar_gs1_dictionary_count_ais       (void);

typedef struct
{
  const MarGs1Ai *ai;
  char           *value;      /* NUL-terminated; GS1 values hold no NUL */
  gsize           value_len;
} MarGs1Element;

/* A GArray of MarGs1Element that frees the values. */
GArray          *mar_gs1_elements_new               (void);
/* The first element with @code ("17"), or NULL. */
const MarGs1Element *mar_gs1_elements_find          (GArray           *elements,
                                                     const char       *code);

/* Checks @value against the dictionary entry of @code (length, character
 * set, every linter) and appends it. */
gboolean         mar_gs1_elements_add               (GArray           *elements,
                                                     const char       *code,
                                                     const char       *value,
                                                     gsize             len,
                                                     MarGs1Lint       *lint,
                                                     GError          **error);

/* An element string as carried in a GS1 symbol: AIs and values, FNC1
 * separators as GS (0x1D), FNC1 in first position already removed. "|"
 * followed by GS or "]e0" starts the 2D component of a GS1 Composite (the
 * GS1 Syntax Engine's notation; "|" is in no GS1 character set). @lint
 * (nullable) receives the linter verdict behind a rejection. */
gboolean         mar_gs1_parse_element_string       (GArray           *elements,
                                                     const char       *data,
                                                     gsize             len,
                                                     MarGs1Lint       *lint,
                                                     GError          **error);
/* "(01)00304090123453(17)271231(10)A12"; "\(" is a literal bracket. */
gboolean         mar_gs1_parse_bracketed            (GArray           *elements,
                                                     const char       *data,
                                                     gsize             len,
                                                     MarGs1Lint       *lint,
                                                     GError          **error);
/* Does @data start with a scheme a GS1 Digital Link URI may have
 * ("https://", "http://", or those in capitals)? */
gboolean         mar_gs1_is_digital_link            (const char       *data,
                                                     gsize             len);
/* A GS1 Digital Link URI (GS1 Digital Link Standard 1.x, uncompressed):
 * any host, the primary key and its qualifiers in the path, data
 * attributes in the query. */
gboolean         mar_gs1_parse_digital_link         (GArray           *elements,
                                                     const char       *uri,
                                                     gsize             len,
                                                     MarGs1Lint       *lint,
                                                     GError          **error);

/* The rules that need the whole scan: an AI repeated with another value,
 * the dictionary's ex= (must not pair) and req= (must pair) attributes, and
 * a digital signature (8030) over a key without its serial component. */
gboolean         mar_gs1_validate_associations      (GArray           *elements,
                                                     GError          **error);

/* "(01)00304090123453(10)A\(12)": the bracketed form, "(" escaped. */
char            *mar_gs1_elements_to_bracketed      (GArray           *elements);
/* The element string a GS1 symbol would carry: GS only after an AI that
 * is not of pre-defined length and is followed by another element. */
char            *mar_gs1_elements_to_element_string (GArray           *elements);

G_END_DECLS
