/* mar-gs1.c — GS1 Application Identifiers by the GS1 Barcode Syntax Dictionary
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The syntax dictionary (data/gs1/gs1-syntax-dictionary.txt) says, per AI,
 * whether it is of pre-defined length, its components (character set,
 * length, linters), and which AIs it needs (req=) or must not meet (ex=).
 * It is parsed once into a table indexed by the AI's digits, so that a
 * lookup on the scan path is an array access.
 *
 * The linters implement the GS1 Barcode Syntax Tests as the GS1 General
 * Specifications define them; their verdict names and error positions
 * follow the GS1 Syntax Engine so that its published test vectors apply.
 */

#define G_LOG_DOMAIN "mar-gs1"

#include "config.h"

#include "mar-gs1.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "mar-barcode.h"
#include "mar-core-resources.h"

#define GS '\x1d'

#define DICTIONARY_PATH "/org/bedsidemar/core/gs1-syntax-dictionary.txt"

/* ------------------------------------------------------------------------
 * Verdict names
 * ------------------------------------------------------------------------ */

#define MAR_GS1_LINT_NAME_ENTRY(name) #name,
static const char * const lint_names[] = {
  MAR_GS1_LINT_LIST (MAR_GS1_LINT_NAME_ENTRY)
};
#undef MAR_GS1_LINT_NAME_ENTRY

G_STATIC_ASSERT (G_N_ELEMENTS (lint_names) == MAR_GS1_LINT_N_RESULTS);

const char *
mar_gs1_lint_to_string (MarGs1Lint lint)
{
  g_return_val_if_fail (lint < MAR_GS1_LINT_N_RESULTS, NULL);

  return lint_names[lint];
}

/* ------------------------------------------------------------------------
 * Code tables. The ISO lists are those of Debian's iso-codes 4.15.0, which
 * follows the ISO 3166 and ISO 4217 maintenance agencies.
 * ------------------------------------------------------------------------ */

/* ISO 3166-1 numeric country codes (249). */
static const guint16 iso3166_numeric[] = {
    4,   8,  10,  12,  16,  20,  24,  28,  31,  32,  36,  40,  44,  48,
   50,  51,  52,  56,  60,  64,  68,  70,  72,  74,  76,  84,  86,  90,
   92,  96, 100, 104, 108, 112, 116, 120, 124, 132, 136, 140, 144, 148,
  152, 156, 158, 162, 166, 170, 174, 175, 178, 180, 184, 188, 191, 192,
  196, 203, 204, 208, 212, 214, 218, 222, 226, 231, 232, 233, 234, 238,
  239, 242, 246, 248, 250, 254, 258, 260, 262, 266, 268, 270, 275, 276,
  288, 292, 296, 300, 304, 308, 312, 316, 320, 324, 328, 332, 334, 336,
  340, 344, 348, 352, 356, 360, 364, 368, 372, 376, 380, 384, 388, 392,
  398, 400, 404, 408, 410, 414, 417, 418, 422, 426, 428, 430, 434, 438,
  440, 442, 446, 450, 454, 458, 462, 466, 470, 474, 478, 480, 484, 492,
  496, 498, 499, 500, 504, 508, 512, 516, 520, 524, 528, 531, 533, 534,
  535, 540, 548, 554, 558, 562, 566, 570, 574, 578, 580, 581, 583, 584,
  585, 586, 591, 598, 600, 604, 608, 612, 616, 620, 624, 626, 630, 634,
  638, 642, 643, 646, 652, 654, 659, 660, 662, 663, 666, 670, 674, 678,
  682, 686, 688, 690, 694, 702, 703, 704, 705, 706, 710, 716, 724, 728,
  729, 732, 740, 744, 748, 752, 756, 760, 762, 764, 768, 772, 776, 780,
  784, 788, 792, 795, 796, 798, 800, 804, 807, 818, 826, 831, 832, 833,
  834, 840, 850, 854, 858, 860, 862, 876, 882, 887, 894,
};

/* ISO 3166-1 alpha-2 country codes (249), sorted. */
static const char iso3166_alpha2[][3] = {
  "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW",
  "AX", "AZ", "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN",
  "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG",
  "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ",
  "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI",
  "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL",
  "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM", "HN", "HR",
  "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
  "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA",
  "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME",
  "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU",
  "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP",
  "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR",
  "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW", "SA", "SB", "SC", "SD",
  "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST", "SV",
  "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
  "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE",
  "VG", "VI", "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
};

/* ISO 4217 numeric currency codes (181), funds and precious metals included. */
static const guint16 iso4217_numeric[] = {
    8,  12,  32,  36,  44,  48,  50,  51,  52,  60,  64,  68,  72,  84,
   90,  96, 104, 108, 116, 124, 132, 136, 144, 152, 156, 170, 174, 188,
  191, 192, 203, 208, 214, 222, 230, 232, 238, 242, 262, 270, 292, 320,
  324, 328, 332, 340, 344, 348, 352, 356, 360, 364, 368, 376, 388, 392,
  398, 400, 404, 408, 410, 414, 417, 418, 422, 426, 430, 434, 446, 454,
  458, 462, 480, 484, 496, 498, 504, 512, 516, 524, 532, 533, 548, 554,
  558, 566, 578, 586, 590, 598, 600, 604, 608, 634, 643, 646, 654, 682,
  690, 694, 702, 704, 706, 710, 728, 748, 752, 756, 760, 764, 776, 780,
  784, 788, 800, 807, 818, 826, 834, 840, 858, 860, 882, 886, 901, 925,
  926, 927, 928, 929, 930, 931, 932, 933, 934, 936, 938, 940, 941, 943,
  944, 946, 947, 948, 949, 950, 951, 952, 953, 955, 956, 957, 958, 959,
  960, 961, 962, 963, 964, 965, 967, 968, 969, 970, 971, 972, 973, 975,
  976, 977, 978, 979, 980, 981, 984, 985, 986, 990, 994, 997, 999,
};

/* ------------------------------------------------------------------------
 * Character sets (GS1 General Specifications 7.11)
 * ------------------------------------------------------------------------ */

static inline gboolean
is_digit (char c)
{
  return c >= '0' && c <= '9';
}

static gboolean
all_digits (const char *s,
            gsize       len)
{
  for (gsize i = 0; i < len; i++)
    if (!is_digit (s[i]))
      return FALSE;
  return TRUE;
}

/* Position of @c in CSET 82 (Figure 7.11-1), -1 when it is not in it. The
 * order matters: it gives the values of the alphanumeric check pair. */
static int
cset82_value (guchar c)
{
  if (c == '!')
    return 0;
  if (c == '"')
    return 1;
  if (c >= '%' && c <= '?')       /* % & ' ( ) * + , - . / 0-9 : ; < = > ? */
    return 2 + (c - '%');
  if (c >= 'A' && c <= 'Z')
    return 29 + (c - 'A');
  if (c == '_')
    return 55;
  if (c >= 'a' && c <= 'z')
    return 56 + (c - 'a');
  return -1;
}

/* CSET 39 (Figure 7.11-2): # - / 0-9 A-Z. */
static gboolean
is_cset39 (guchar c)
{
  return c == '#' || c == '-' || c == '/' || is_digit ((char) c) || (c >= 'A' && c <= 'Z');
}

/* CSET 64 (Figure 7.11-3): the base64url alphabet. */
static gboolean
is_cset64 (guchar c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit ((char) c) ||
         c == '-' || c == '_';
}

/* ------------------------------------------------------------------------
 * Linters. Each returns a verdict and, on failure, the bytes at fault.
 * ------------------------------------------------------------------------ */

typedef MarGs1Lint (*LintFunc) (const char *d,
                                gsize       len,
                                gsize      *pos,
                                gsize      *elen);

#define FAIL(verdict, p, l) \
  G_STMT_START { *pos = (p); *elen = (l); return MAR_GS1_LINT_##verdict; } G_STMT_END

static MarGs1Lint
lint_csetnumeric (const char *d, gsize len, gsize *pos, gsize *elen)
{
  for (gsize i = 0; i < len; i++)
    if (!is_digit (d[i]))
      FAIL (NON_DIGIT_CHARACTER, i, 1);
  return MAR_GS1_LINT_OK;
}

static MarGs1Lint
lint_cset82 (const char *d, gsize len, gsize *pos, gsize *elen)
{
  for (gsize i = 0; i < len; i++)
    if (cset82_value ((guchar) d[i]) < 0)
      FAIL (INVALID_CSET82_CHARACTER, i, 1);
  return MAR_GS1_LINT_OK;
}

static MarGs1Lint
lint_cset39 (const char *d, gsize len, gsize *pos, gsize *elen)
{
  for (gsize i = 0; i < len; i++)
    if (!is_cset39 ((guchar) d[i]))
      FAIL (INVALID_CSET39_CHARACTER, i, 1);
  return MAR_GS1_LINT_OK;
}

/* Base64url with at most two "=" of padding, and padding only where the
 * whole is a multiple of three characters (as the GS1 Syntax Engine reads
 * GS1 General Specifications 7.11 for CSET 64). */
static MarGs1Lint
lint_cset64 (const char *d, gsize len, gsize *pos, gsize *elen)
{
  gsize pads = 0;

  while (pads < len && d[len - pads - 1] == '=')
    pads++;
  if (pads > 2 || (pads > 0 && len % 3 != 0))
    FAIL (INVALID_CSET64_PADDING, len - pads, pads);
  for (gsize i = 0; i < len - pads; i++)
    if (!is_cset64 ((guchar) d[i]))
      FAIL (INVALID_CSET64_CHARACTER, i, 1);
  return MAR_GS1_LINT_OK;
}

char
mar_gs1_compute_check_digit (const char *digits,
                             gsize       len)
{
  guint sum = 0;

  g_return_val_if_fail (digits != NULL || len == 0, 0);

  /* GS1 General Specifications 7.9.1: weights 3 and 1 alternate from the
   * rightmost digit (3) leftwards. */
  for (gsize i = 0; i < len; i++)
    {
      char c = digits[len - 1 - i];

      if (!is_digit (c))
        return 0;
      sum += (guint) (c - '0') * (i % 2 == 0 ? 3 : 1);
    }
  return (char) ('0' + (10 - sum % 10) % 10);
}

static MarGs1Lint
lint_csum (const char *d, gsize len, gsize *pos, gsize *elen)
{
  if (len == 0)
    FAIL (TOO_SHORT_FOR_CHECK_DIGIT, 0, 0);
  for (gsize i = 0; i < len; i++)
    if (!is_digit (d[i]))
      FAIL (NON_DIGIT_CHARACTER, i, 1);
  if (mar_gs1_compute_check_digit (d, len - 1) != d[len - 1])
    FAIL (INCORRECT_CHECK_DIGIT, len - 1, 1);
  return MAR_GS1_LINT_OK;
}

/* The first 97 primes: the weights of the check character pair, enough for
 * any AI of up to 99 characters (GS1 General Specifications 7.9.5). */
static const guint16 check_pair_primes[] = {
    2,   3,   5,   7,  11,  13,  17,  19,  23,  29,  31,  37,  41,  43,  47,
   53,  59,  61,  67,  71,  73,  79,  83,  89,  97, 101, 103, 107, 109, 113,
  127, 131, 137, 139, 149, 151, 157, 163, 167, 173, 179, 181, 191, 193, 197,
  199, 211, 223, 227, 229, 233, 239, 241, 251, 257, 263, 269, 271, 277, 281,
  283, 293, 307, 311, 313, 317, 331, 337, 347, 349, 353, 359, 367, 373, 379,
  383, 389, 397, 401, 409, 419, 421, 431, 433, 439, 443, 449, 457, 461, 463,
  467, 479, 487, 491, 499, 503, 509,
};

static const char cset32[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/* The two check characters of @len CSET 82 characters, or FALSE when one
 * is not in CSET 82 (its offset in @bad). */
static gboolean
compute_check_pair (const char *d,
                    gsize       len,
                    char        pair[3],
                    gsize      *bad)
{
  guint sum = 0;

  for (gsize i = 0; i < len; i++)
    {
      int v = cset82_value ((guchar) d[i]);

      if (v < 0)
        {
          *bad = i;
          return FALSE;
        }
      /* Weights are primes from the right: the last data character gets 2. */
      sum += (guint) v * check_pair_primes[len - 1 - i];
    }
  sum %= 1021;
  pair[0] = cset32[sum >> 5];
  pair[1] = cset32[sum & 31];
  pair[2] = '\0';
  return TRUE;
}

static MarGs1Lint
lint_csumalpha (const char *d, gsize len, gsize *pos, gsize *elen)
{
  char pair[3];
  gsize bad = 0;

  if (len > G_N_ELEMENTS (check_pair_primes) + 2)
    FAIL (TOO_LONG_FOR_CHECK_PAIR_IMPLEMENTATION, 0, len);
  if (len < 2)
    FAIL (TOO_SHORT_FOR_CHECK_PAIR, 0, len);
  if (!compute_check_pair (d, len - 2, pair, &bad))
    FAIL (INVALID_CSET82_CHARACTER, bad, 1);
  if (d[len - 2] != pair[0] || d[len - 1] != pair[1])
    FAIL (INCORRECT_CHECK_PAIR, len - 2, 2);
  return MAR_GS1_LINT_OK;
}

/* A GS1 Company Prefix starts the data: at least four digits (the shortest
 * GCP). Whether it is allocated is a GS1 member organisation's business:
 * not checked here. */
#define GCP_MIN_LENGTH 4

static MarGs1Lint
lint_gcppos1 (const char *d, gsize len, gsize *pos, gsize *elen)
{
  if (len < GCP_MIN_LENGTH)
    FAIL (TOO_SHORT_FOR_GCP, 0, len);
  for (gsize i = 0; i < GCP_MIN_LENGTH; i++)
    if (!is_digit (d[i]))
      FAIL (INVALID_GCP_PREFIX, i, 1);
  return MAR_GS1_LINT_OK;
}

/* The same from the second character (after an indicator or extension). */
static MarGs1Lint
lint_gcppos2 (const char *d, gsize len, gsize *pos, gsize *elen)
{
  MarGs1Lint r;

  if (len < 2)
    FAIL (TOO_SHORT_FOR_GCP, 0, len);
  r = lint_gcppos1 (d + 1, len - 1, pos, elen);
  if (r != MAR_GS1_LINT_OK)
    *pos += 1;
  return r;
}

static MarGs1Lint
lint_hasnondigit (const char *d, gsize len, gsize *pos, gsize *elen)
{
  if (all_digits (d, len))
    FAIL (REQUIRES_NON_DIGIT_CHARACTER, 0, len);
  return MAR_GS1_LINT_OK;
}

static gboolean
is_leap_year (int year)
{
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int
days_in_month (int  year,
               int  month,
               gboolean two_digit_year)
{
  static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

  if (month == 2)
    {
      /* A two-digit year has no century yet: every fourth one is a leap
       * year, which is right for every year the GS1 century window (GS1
       * General Specifications 7.12) can give until 2100. mar-barcode.c
       * checks the resolved date again. */
      gboolean leap = two_digit_year ? year % 4 == 0 : is_leap_year (year);
      return leap ? 29 : 28;
    }
  return days[month - 1];
}

static MarGs1Lint
lint_date (const char *d,
           gsize       len,
           gsize       year_digits,
           gboolean    day_zero_allowed,
           gsize      *pos,
           gsize      *elen)
{
  int year = 0, month, day;

  if (len < year_digits + 4)
    FAIL (DATE_TOO_SHORT, 0, len);
  if (len > year_digits + 4)
    FAIL (DATE_TOO_LONG, 0, len);
  for (gsize i = 0; i < len; i++)
    if (!is_digit (d[i]))
      FAIL (NON_DIGIT_CHARACTER, i, 1);
  for (gsize i = 0; i < year_digits; i++)
    year = year * 10 + (d[i] - '0');
  month = (d[year_digits] - '0') * 10 + (d[year_digits + 1] - '0');
  day = (d[year_digits + 2] - '0') * 10 + (d[year_digits + 3] - '0');
  if (month < 1 || month > 12)
    FAIL (ILLEGAL_MONTH, year_digits, 2);
  if (day == 0 ? !day_zero_allowed : day > days_in_month (year, month, year_digits == 2))
    FAIL (ILLEGAL_DAY, year_digits + 2, 2);
  return MAR_GS1_LINT_OK;
}

/* DD = 00 is allowed where the dictionary says yymmd0: "the end of that
 * month" (GS1 General Specifications 3.4.7 for the expiry date). */
static MarGs1Lint
lint_yymmd0 (const char *d, gsize len, gsize *pos, gsize *elen)
{
  return lint_date (d, len, 2, TRUE, pos, elen);
}

static MarGs1Lint
lint_yymmdd (const char *d, gsize len, gsize *pos, gsize *elen)
{
  return lint_date (d, len, 2, FALSE, pos, elen);
}

static MarGs1Lint
lint_yyyymmd0 (const char *d, gsize len, gsize *pos, gsize *elen)
{
  return lint_date (d, len, 4, TRUE, pos, elen);
}

static MarGs1Lint
lint_yyyymmdd (const char *d, gsize len, gsize *pos, gsize *elen)
{
  return lint_date (d, len, 4, FALSE, pos, elen);
}

/* A two-digit field below @limit: hours, minutes, seconds. */
static MarGs1Lint
lint_two_digits (const char *d,
                 gsize       len,
                 int         limit,
                 MarGs1Lint  too_short,
                 MarGs1Lint  too_long,
                 MarGs1Lint  illegal,
                 gsize      *pos,
                 gsize      *elen)
{
  *pos = 0;
  *elen = len;
  if (len < 2)
    return too_short;
  if (len > 2)
    return too_long;
  for (gsize i = 0; i < 2; i++)
    if (!is_digit (d[i]))
      FAIL (NON_DIGIT_CHARACTER, i, 1);
  if ((d[0] - '0') * 10 + (d[1] - '0') >= limit)
    return illegal;
  return MAR_GS1_LINT_OK;
}

static MarGs1Lint
lint_hh (const char *d, gsize len, gsize *pos, gsize *elen)
{
  return lint_two_digits (d, len, 24, MAR_GS1_LINT_HOUR_TOO_SHORT, MAR_GS1_LINT_HOUR_TOO_LONG,
                          MAR_GS1_LINT_ILLEGAL_HOUR, pos, elen);
}

static MarGs1Lint
lint_mi (const char *d, gsize len, gsize *pos, gsize *elen)
{
  return lint_two_digits (d, len, 60, MAR_GS1_LINT_MINUTE_TOO_SHORT, MAR_GS1_LINT_MINUTE_TOO_LONG,
                          MAR_GS1_LINT_ILLEGAL_MINUTE, pos, elen);
}

static MarGs1Lint
lint_ss (const char *d, gsize len, gsize *pos, gsize *elen)
{
  return lint_two_digits (d, len, 60, MAR_GS1_LINT_SECOND_TOO_SHORT, MAR_GS1_LINT_SECOND_TOO_LONG,
                          MAR_GS1_LINT_ILLEGAL_SECOND, pos, elen);
}

static MarGs1Lint
lint_hhmi (const char *d, gsize len, gsize *pos, gsize *elen)
{
  if (len < 4)
    FAIL (HOUR_WITH_MINUTE_TOO_SHORT, 0, len);
  if (len > 4)
    FAIL (HOUR_WITH_MINUTE_TOO_LONG, 0, len);
  for (gsize i = 0; i < 4; i++)
    if (!is_digit (d[i]))
      FAIL (NON_DIGIT_CHARACTER, i, 1);
  if ((d[0] - '0') * 10 + (d[1] - '0') >= 24)
    FAIL (ILLEGAL_HOUR, 0, 2);
  if ((d[2] - '0') * 10 + (d[3] - '0') >= 60)
    FAIL (ILLEGAL_MINUTE, 2, 2);
  return MAR_GS1_LINT_OK;
}

static MarGs1Lint
lint_hyphen (const char *d, gsize len, gsize *pos, gsize *elen)
{
  if (len == 0)
    FAIL (NOT_HYPHEN, 0, 0);
  for (gsize i = 0; i < len; i++)
    if (d[i] != '-')
      FAIL (NOT_HYPHEN, 0, len);
  return MAR_GS1_LINT_OK;
}

static MarGs1Lint
lint_zero (const char *d, gsize len, gsize *pos, gsize *elen)
{
  if (len == 0)
    FAIL (NOT_ZERO, 0, 0);
  for (gsize i = 0; i < len; i++)
    if (d[i] != '0')
      FAIL (NOT_ZERO, 0, len);
  return MAR_GS1_LINT_OK;
}

static MarGs1Lint
lint_nonzero (const char *d, gsize len, gsize *pos, gsize *elen)
{
  gboolean zero = TRUE;

  for (gsize i = 0; i < len; i++)
    {
      if (!is_digit (d[i]))
        FAIL (NON_DIGIT_CHARACTER, i, 1);
      if (d[i] != '0')
        zero = FALSE;
    }
  if (zero)
    FAIL (ILLEGAL_ZERO_VALUE, 0, len);
  return MAR_GS1_LINT_OK;
}

static MarGs1Lint
lint_nozeroprefix (const char *d, gsize len, gsize *pos, gsize *elen)
{
  for (gsize i = 0; i < len; i++)
    if (!is_digit (d[i]))
      FAIL (NON_DIGIT_CHARACTER, i, 1);
  if (len > 0 && d[0] == '0')
    FAIL (ILLEGAL_ZERO_PREFIX, 0, 1);
  return MAR_GS1_LINT_OK;
}

/* One character from a fixed set: the whole value is at fault otherwise. */
static MarGs1Lint
lint_one_of (const char *d,
             gsize       len,
             const char *allowed,
             MarGs1Lint  verdict,
             gsize      *pos,
             gsize      *elen)
{
  if (len != 1 || d[0] == '\0' || strchr (allowed, d[0]) == NULL)
    {
      *pos = 0;
      *elen = len;
      return verdict;
    }
  return MAR_GS1_LINT_OK;
}

static MarGs1Lint
lint_yesno (const char *d, gsize len, gsize *pos, gsize *elen)
{
  return lint_one_of (d, len, "01", MAR_GS1_LINT_NOT_ZERO_OR_ONE, pos, elen);
}

/* (8001) winding direction: 0 face out, 1 face in, 9 undefined. */
static MarGs1Lint
lint_winding (const char *d, gsize len, gsize *pos, gsize *elen)
{
  return lint_one_of (d, len, "019", MAR_GS1_LINT_INVALID_WINDING_DIRECTION, pos, elen);
}

/* ISO/IEC 5218: 0 not known, 1 male, 2 female, 9 not applicable. */
static MarGs1Lint
lint_iso5218 (const char *d, gsize len, gsize *pos, gsize *elen)
{
  return lint_one_of (d, len, "0129", MAR_GS1_LINT_INVALID_BIOLOGICAL_SEX_CODE, pos, elen);
}

static int
compare_guint16 (gconstpointer a,
                 gconstpointer b)
{
  return (int) *(const guint16 *) a - (int) *(const guint16 *) b;
}

static gboolean
three_digit_code_in (const char    *d,
                     gsize          len,
                     const guint16 *table,
                     gsize          n)
{
  guint16 code;

  if (len != 3 || !all_digits (d, 3))
    return FALSE;
  code = (guint16) ((d[0] - '0') * 100 + (d[1] - '0') * 10 + (d[2] - '0'));
  return bsearch (&code, table, n, sizeof (guint16), compare_guint16) != NULL;
}

static MarGs1Lint
lint_iso3166 (const char *d, gsize len, gsize *pos, gsize *elen)
{
  if (!three_digit_code_in (d, len, iso3166_numeric, G_N_ELEMENTS (iso3166_numeric)))
    FAIL (NOT_ISO3166, 0, len);
  return MAR_GS1_LINT_OK;
}

/* "999" stands for "several countries" in the processor AIs (7030-7039). */
static MarGs1Lint
lint_iso3166999 (const char *d, gsize len, gsize *pos, gsize *elen)
{
  if (len == 3 && memcmp (d, "999", 3) == 0)
    return MAR_GS1_LINT_OK;
  if (!three_digit_code_in (d, len, iso3166_numeric, G_N_ELEMENTS (iso3166_numeric)))
    FAIL (NOT_ISO3166_OR_999, 0, len);
  return MAR_GS1_LINT_OK;
}

static int
compare_alpha2 (gconstpointer a,
                gconstpointer b)
{
  return strncmp (a, b, 2);
}

static gboolean
is_iso3166_alpha2 (const char *d,
                   gsize       len)
{
  if (len != 2 || d[0] < 'A' || d[0] > 'Z' || d[1] < 'A' || d[1] > 'Z')
    return FALSE;
  return bsearch (d, iso3166_alpha2, G_N_ELEMENTS (iso3166_alpha2),
                  sizeof iso3166_alpha2[0], compare_alpha2) != NULL;
}

static MarGs1Lint
lint_iso3166alpha2 (const char *d, gsize len, gsize *pos, gsize *elen)
{
  if (!is_iso3166_alpha2 (d, len))
    FAIL (NOT_ISO3166_ALPHA2, 0, len);
  return MAR_GS1_LINT_OK;
}

static MarGs1Lint
lint_iso4217 (const char *d, gsize len, gsize *pos, gsize *elen)
{
  if (!three_digit_code_in (d, len, iso4217_numeric, G_N_ELEMENTS (iso4217_numeric)))
    FAIL (NOT_ISO4217, 0, len);
  return MAR_GS1_LINT_OK;
}

/* Ten digits, degrees × 10⁷ offset so that they are never negative. */
static MarGs1Lint
lint_coordinate (const char *d,
                 gsize       len,
                 guint64     max,
                 MarGs1Lint  bad_length,
                 MarGs1Lint  out_of_range,
                 gsize      *pos,
                 gsize      *elen)
{
  guint64 v = 0;

  if (len != 10)
    {
      *pos = 0;
      *elen = len;
      return bad_length;
    }
  for (gsize i = 0; i < len; i++)
    {
      if (!is_digit (d[i]))
        FAIL (NON_DIGIT_CHARACTER, i, 1);
      v = v * 10 + (guint64) (d[i] - '0');
    }
  if (v > max)
    {
      *pos = 0;
      *elen = len;
      return out_of_range;
    }
  return MAR_GS1_LINT_OK;
}

static MarGs1Lint
lint_latitude (const char *d, gsize len, gsize *pos, gsize *elen)
{
  return lint_coordinate (d, len, 1800000000, MAR_GS1_LINT_LATITUDE_INVALID_LENGTH,
                          MAR_GS1_LINT_INVALID_LATITUDE, pos, elen);
}

static MarGs1Lint
lint_longitude (const char *d, gsize len, gsize *pos, gsize *elen)
{
  return lint_coordinate (d, len, 3600000000u, MAR_GS1_LINT_LONGITUDE_INVALID_LENGTH,
                          MAR_GS1_LINT_INVALID_LONGITUDE, pos, elen);
}

/* Names and addresses are percent-encoded: "%" and two hex digits. */
static MarGs1Lint
lint_pcenc (const char *d, gsize len, gsize *pos, gsize *elen)
{
  for (gsize i = 0; i < len; i++)
    {
      if (d[i] != '%')
        continue;
      if (i + 2 >= len)
        FAIL (INVALID_PERCENT_SEQUENCE, i, len - i);
      if (!g_ascii_isxdigit (d[i + 1]) || !g_ascii_isxdigit (d[i + 2]))
        FAIL (INVALID_PERCENT_SEQUENCE, i, 3);
      i += 2;
    }
  return MAR_GS1_LINT_OK;
}

/* Piece number and total count, both halves of the same width. */
static MarGs1Lint
lint_pieceoftotal (const char *d, gsize len, gsize *pos, gsize *elen)
{
  gsize half = len / 2;
  gboolean piece_zero = TRUE, total_zero = TRUE;
  int cmp;

  for (gsize i = 0; i < len; i++)
    if (!is_digit (d[i]))
      FAIL (NON_DIGIT_CHARACTER, i, 1);
  if (len == 0 || len % 2 != 0)
    FAIL (INVALID_LENGTH_FOR_PIECE_OF_TOTAL, 0, len);
  for (gsize i = 0; i < half; i++)
    {
      piece_zero &= d[i] == '0';
      total_zero &= d[half + i] == '0';
    }
  if (piece_zero)
    FAIL (ZERO_PIECE_NUMBER, 0, half);
  if (total_zero)
    FAIL (ZERO_TOTAL_PIECES, half, half);
  /* Same width: comparing the digit strings compares the numbers. */
  cmp = memcmp (d, d + half, half);
  if (cmp > 0)
    FAIL (PIECE_NUMBER_EXCEEDS_TOTAL, 0, len);
  return MAR_GS1_LINT_OK;
}

/* "2/3": position in a birth sequence and its total, no leading zeros. */
static MarGs1Lint
lint_posinseqslash (const char *d, gsize len, gsize *pos, gsize *elen)
{
  gsize slash = 0, end_len;

  while (slash < len && is_digit (d[slash]))
    slash++;
  if (slash == 0 || slash + 1 >= len || d[slash] != '/' || !all_digits (d + slash + 1, len - slash - 1))
    FAIL (POSITION_IN_SEQUENCE_MALFORMED, 0, len);
  end_len = len - slash - 1;
  if (d[0] == '0')
    FAIL (ILLEGAL_ZERO_PREFIX, 0, slash);
  if (d[slash + 1] == '0')
    FAIL (ILLEGAL_ZERO_PREFIX, slash + 1, end_len);
  /* Without leading zeros the longer number is the greater. */
  if (slash > end_len || (slash == end_len && memcmp (d, d + slash + 1, slash) > 0))
    FAIL (POSITION_EXCEEDS_END, 0, len);
  return MAR_GS1_LINT_OK;
}

/* (7040) importer index: one character of "-", 0-9, A-Z, "_", a-z. */
static MarGs1Lint
lint_importeridx (const char *d, gsize len, gsize *pos, gsize *elen)
{
  if (len != 1)
    FAIL (IMPORTER_IDX_MUST_BE_ONE_CHARACTER, 0, len);
  if (!is_cset64 ((guchar) d[0]))
    FAIL (INVALID_IMPORT_IDX_CHARACTER, 0, 1);
  return MAR_GS1_LINT_OK;
}

/* (7241) AIDC media type: 01-10 assigned, 80-99 for local use (GS1
 * General Specifications 3.8.x, code list of ICCBBA and GS1). */
static MarGs1Lint
lint_mediatype (const char *d, gsize len, gsize *pos, gsize *elen)
{
  int v;

  if (len != 2 || !all_digits (d, 2))
    FAIL (INVALID_MEDIA_TYPE, 0, len);
  v = (d[0] - '0') * 10 + (d[1] - '0');
  if (!((v >= 1 && v <= 10) || v >= 80))
    FAIL (INVALID_MEDIA_TYPE, 0, len);
  return MAR_GS1_LINT_OK;
}

/* ISO 13616 IBAN: an ISO 3166 country, two check digits, up to 34
 * alphanumerics in all, and the mod-97 check (ISO 7064) equal to 1. The
 * per-country BBAN lengths of the SWIFT registry are not checked (nor does
 * the GS1 test). */
#define IBAN_MIN_LENGTH 10
#define IBAN_MAX_LENGTH 34

static MarGs1Lint
lint_iban (const char *d, gsize len, gsize *pos, gsize *elen)
{
  guint rest = 0;

  if (len < 4)
    FAIL (IBAN_TOO_SHORT, 0, len);
  if (!is_iso3166_alpha2 (d, 2))
    FAIL (ILLEGAL_IBAN_COUNTRY_CODE, 0, 2);
  if (len > IBAN_MAX_LENGTH)
    FAIL (IBAN_TOO_LONG, 0, len);
  if (len <= IBAN_MIN_LENGTH)
    FAIL (IBAN_TOO_SHORT, 0, len);
  /* The four first characters move to the end; letters count 10..35. */
  for (gsize k = 0; k < len; k++)
    {
      gsize i = (k + 4) % len;
      char c = d[i];

      if (is_digit (c))
        rest = (rest * 10 + (guint) (c - '0')) % 97;
      else if (c >= 'A' && c <= 'Z')
        rest = (rest * 100 + (guint) (c - 'A' + 10)) % 97;
      else
        FAIL (INVALID_IBAN_CHARACTER, i, 1);
    }
  if (rest != 1)
    FAIL (INCORRECT_IBAN_CHECKSUM, 2, 2);
  return MAR_GS1_LINT_OK;
}

/* (7041) freight unit type: a code of UN/ECE Recommendation 21. That list
 * is not available to this build; the value is only ever displayed, never
 * interpreted, so any CSET 82 value (checked by the component) passes. */
static MarGs1Lint
lint_packagetype (const char *d, gsize len, gsize *pos, gsize *elen)
{
  return MAR_GS1_LINT_OK;
}

/* North American coupons, (8110) and (8112): GS1 US "Coupon Application
 * Guideline using GS1 DataBar Expanded Symbols". Never seen at a bedside,
 * but they are AIs of the dictionary, so they are checked like any other.
 * A reader over the digits: fields are either fixed or announced by a
 * one-digit length indicator (VLI). */
typedef struct
{
  const char *d;
  gsize       len;
  gsize       at;
  gsize       pos;
  gsize       elen;
} Coupon;

/* The verdict for a field that should start at c->at but the data ended. */
static MarGs1Lint
coupon_missing (Coupon     *c,
                MarGs1Lint  verdict)
{
  c->pos = 0;
  c->elen = c->len;
  return verdict;
}

/* @n more digits are needed at c->at. */
static MarGs1Lint
coupon_take (Coupon     *c,
             gsize       n,
             MarGs1Lint  truncated)
{
  if (c->len - c->at < n)
    {
      if (c->at == c->len)
        return coupon_missing (c, truncated);
      c->pos = c->at;
      c->elen = c->len - c->at;
      return truncated;
    }
  c->at += n;
  return MAR_GS1_LINT_OK;
}

/* A VLI digit in [@lo, @hi] (or @also), then a field of VLI + @add digits
 * (a VLI of @also means no field). @gcp: the field is a GS1 Company Prefix. */
static MarGs1Lint
coupon_vli_field (Coupon     *c,
                  char        lo,
                  char        hi,
                  char        also,
                  int         add,
                  gboolean    gcp,
                  MarGs1Lint  missing,
                  MarGs1Lint  invalid,
                  MarGs1Lint  truncated)
{
  char vli;
  gsize n;
  MarGs1Lint r;

  if (c->at == c->len)
    return coupon_missing (c, missing);
  vli = c->d[c->at];
  if ((vli < lo || vli > hi) && vli != also)
    {
      c->pos = c->at;
      c->elen = 1;
      return invalid;
    }
  c->at++;
  n = vli == also ? 0 : (gsize) (vli - '0' + add);
  if (n == 0)
    return MAR_GS1_LINT_OK;
  if ((r = coupon_take (c, n, truncated)) != MAR_GS1_LINT_OK)
    return r;
  if (gcp && (r = lint_gcppos1 (c->d + c->at - n, n, &c->pos, &c->elen)) != MAR_GS1_LINT_OK)
    {
      c->pos = c->at - n;
      c->elen = n;
      return r;
    }
  return MAR_GS1_LINT_OK;
}

/* One digit from @allowed. */
static MarGs1Lint
coupon_code (Coupon     *c,
             const char *allowed,
             MarGs1Lint  missing,
             MarGs1Lint  invalid)
{
  if (c->at == c->len)
    return coupon_missing (c, missing);
  if (strchr (allowed, c->d[c->at]) == NULL)
    {
      c->pos = c->at;
      c->elen = 1;
      return invalid;
    }
  c->at++;
  return MAR_GS1_LINT_OK;
}

/* A purchase requirement: VLI + value, code, three-digit family code. */
static MarGs1Lint
coupon_requirement (Coupon     *c,
                    MarGs1Lint  missing_vli,
                    MarGs1Lint  invalid_vli,
                    MarGs1Lint  truncated,
                    MarGs1Lint  missing_code,
                    MarGs1Lint  invalid_code,
                    MarGs1Lint  truncated_family)
{
  MarGs1Lint r;

  if ((r = coupon_vli_field (c, '1', '5', 0, 0, FALSE, missing_vli, invalid_vli, truncated)) ||
      (r = coupon_code (c, "012349", missing_code, invalid_code)) ||
      (r = coupon_take (c, 3, truncated_family)))
    return r;
  return MAR_GS1_LINT_OK;
}

/* A YYMMDD date after its field digit. */
static MarGs1Lint
coupon_date (Coupon     *c,
             MarGs1Lint  too_short,
             MarGs1Lint  invalid,
             gsize      *start)
{
  gsize p, l;

  *start = c->at;
  if (coupon_take (c, 6, too_short) != MAR_GS1_LINT_OK)
    return too_short;
  if (lint_yymmdd (c->d + *start, 6, &p, &l) != MAR_GS1_LINT_OK)
    {
      c->pos = *start;
      c->elen = 6;
      return invalid;
    }
  return MAR_GS1_LINT_OK;
}

static MarGs1Lint
coupon_code_fields (Coupon *c)
{
  MarGs1Lint r;
  gsize expiry = 0, start = 0;
  gboolean has_expiry = FALSE;

  /* Primary GS1 Company Prefix, offer code, save value, first purchase. */
  if ((r = coupon_vli_field (c, '0', '6', 0, 6, TRUE, MAR_GS1_LINT_COUPON_MISSING_GCP_VLI,
                             MAR_GS1_LINT_COUPON_INVALID_GCP_LENGTH, MAR_GS1_LINT_COUPON_TRUNCATED_GCP)) ||
      (r = coupon_take (c, 6, MAR_GS1_LINT_COUPON_TRUNCATED_OFFER_CODE)) ||
      (r = coupon_vli_field (c, '1', '5', 0, 0, FALSE, MAR_GS1_LINT_COUPON_MISSING_SAVE_VALUE_VLI,
                             MAR_GS1_LINT_COUPON_INVALID_SAVE_VALUE_LENGTH,
                             MAR_GS1_LINT_COUPON_TRUNCATED_SAVE_VALUE)) ||
      (r = coupon_requirement (c, MAR_GS1_LINT_COUPON_MISSING_1ST_PURCHASE_REQUIREMENT_VLI,
                               MAR_GS1_LINT_COUPON_INVALID_1ST_PURCHASE_REQUIREMENT_LENGTH,
                               MAR_GS1_LINT_COUPON_TRUNCATED_1ST_PURCHASE_REQUIREMENT,
                               MAR_GS1_LINT_COUPON_MISSING_1ST_PURCHASE_REQUIREMENT_CODE,
                               MAR_GS1_LINT_COUPON_INVALID_1ST_PURCHASE_REQUIREMENT_CODE,
                               MAR_GS1_LINT_COUPON_TRUNCATED_1ST_PURCHASE_FAMILY_CODE)))
    return r;

  /* Optional fields, each at most once and in this order, each announced
   * by its number. */
  if (c->at < c->len && c->d[c->at] == '1')
    {
      c->at++;
      if ((r = coupon_code (c, "0123", MAR_GS1_LINT_COUPON_MISSING_ADDITIONAL_PURCHASE_RULES_CODE,
                            MAR_GS1_LINT_COUPON_INVALID_ADDITIONAL_PURCHASE_RULES_CODE)) ||
          (r = coupon_requirement (c, MAR_GS1_LINT_COUPON_MISSING_2ND_PURCHASE_REQUIREMENT_VLI,
                                   MAR_GS1_LINT_COUPON_INVALID_2ND_PURCHASE_REQUIREMENT_LENGTH,
                                   MAR_GS1_LINT_COUPON_TRUNCATED_2ND_PURCHASE_REQUIREMENT,
                                   MAR_GS1_LINT_COUPON_MISSING_2ND_PURCHASE_REQUIREMENT_CODE,
                                   MAR_GS1_LINT_COUPON_INVALID_2ND_PURCHASE_REQUIREMENT_CODE,
                                   MAR_GS1_LINT_COUPON_TRUNCATED_2ND_PURCHASE_FAMILY_CODE)) ||
          (r = coupon_vli_field (c, '0', '6', '9', 6, TRUE, MAR_GS1_LINT_COUPON_MISSING_2ND_PURCHASE_GCP_VLI,
                                 MAR_GS1_LINT_COUPON_INVALID_2ND_PURCHASE_GCP_LENGTH,
                                 MAR_GS1_LINT_COUPON_TRUNCATED_2ND_PURCHASE_GCP)))
        return r;
    }
  if (c->at < c->len && c->d[c->at] == '2')
    {
      c->at++;
      if ((r = coupon_requirement (c, MAR_GS1_LINT_COUPON_MISSING_3RD_PURCHASE_REQUIREMENT_VLI,
                                   MAR_GS1_LINT_COUPON_INVALID_3RD_PURCHASE_REQUIREMENT_LENGTH,
                                   MAR_GS1_LINT_COUPON_TRUNCATED_3RD_PURCHASE_REQUIREMENT,
                                   MAR_GS1_LINT_COUPON_MISSING_3RD_PURCHASE_REQUIREMENT_CODE,
                                   MAR_GS1_LINT_COUPON_INVALID_3RD_PURCHASE_REQUIREMENT_CODE,
                                   MAR_GS1_LINT_COUPON_TRUNCATED_3RD_PURCHASE_FAMILY_CODE)) ||
          (r = coupon_vli_field (c, '0', '6', '9', 6, TRUE, MAR_GS1_LINT_COUPON_MISSING_3RD_PURCHASE_GCP_VLI,
                                 MAR_GS1_LINT_COUPON_INVALID_3RD_PURCHASE_GCP_LENGTH,
                                 MAR_GS1_LINT_COUPON_TRUNCATED_3RD_PURCHASE_GCP)))
        return r;
    }
  if (c->at < c->len && c->d[c->at] == '3')
    {
      c->at++;
      if ((r = coupon_date (c, MAR_GS1_LINT_COUPON_TOO_SHORT_FOR_EXPIRATION_DATE,
                            MAR_GS1_LINT_COUPON_INVALID_EXIPIRATION_DATE, &expiry)))
        return r;
      has_expiry = TRUE;
    }
  if (c->at < c->len && c->d[c->at] == '4')
    {
      c->at++;
      if ((r = coupon_date (c, MAR_GS1_LINT_COUPON_TOO_SHORT_FOR_START_DATE,
                            MAR_GS1_LINT_COUPON_INVALID_START_DATE, &start)))
        return r;
      if (has_expiry && memcmp (c->d + start, c->d + expiry, 6) > 0)
        {
          c->pos = expiry;
          c->elen = c->at - expiry;
          return MAR_GS1_LINT_COUPON_EXPIRATION_BEFORE_START;
        }
    }
  if (c->at < c->len && c->d[c->at] == '5')
    {
      c->at++;
      if ((r = coupon_vli_field (c, '0', '9', 0, 6, FALSE, MAR_GS1_LINT_COUPON_MISSING_SERIAL_NUMBER_VLI,
                                 MAR_GS1_LINT_OK, MAR_GS1_LINT_COUPON_TRUNCATED_SERIAL_NUMBER)))
        return r;
    }
  if (c->at < c->len && c->d[c->at] == '6')
    {
      c->at++;
      if ((r = coupon_vli_field (c, '1', '7', 0, 6, TRUE, MAR_GS1_LINT_COUPON_MISSING_RETAILER_GCP_OR_GLN_VLI,
                                 MAR_GS1_LINT_COUPON_INVALID_RETAILER_GCP_OR_GLN_LENGTH,
                                 MAR_GS1_LINT_COUPON_TRUNCATED_RETAILER_GCP_OR_GLN)))
        return r;
    }
  if (c->at < c->len && c->d[c->at] == '9')
    {
      c->at++;
      if ((r = coupon_code (c, "01256", MAR_GS1_LINT_COUPON_MISSING_SAVE_VALUE_CODE,
                            MAR_GS1_LINT_COUPON_INVALID_SAVE_VALUE_CODE)) ||
          (r = coupon_code (c, "012", MAR_GS1_LINT_COUPON_MISSING_SAVE_VALUE_APPLIES_TO_ITEM,
                            MAR_GS1_LINT_COUPON_INVALID_SAVE_VALUE_APPLIES_TO_ITEM)) ||
          (r = coupon_code (c, "0123456789", MAR_GS1_LINT_COUPON_MISSING_STORE_COUPON_FLAG,
                            MAR_GS1_LINT_OK)) ||
          (r = coupon_code (c, "01", MAR_GS1_LINT_COUPON_MISSING_DONT_MULTIPLY_FLAG,
                            MAR_GS1_LINT_COUPON_INVALID_DONT_MULTIPLY_FLAG)))
        return r;
    }
  if (c->at != c->len)
    {
      c->pos = c->at;
      c->elen = c->len - c->at;
      return MAR_GS1_LINT_COUPON_EXCESS_DATA;
    }
  return MAR_GS1_LINT_OK;
}

static MarGs1Lint
lint_coupon (const char *d,
             gsize       len,
             gboolean    positive_offer,
             gsize      *pos,
             gsize      *elen)
{
  Coupon c = { d, len, 0, 0, 0 };
  MarGs1Lint r;

  for (gsize i = 0; i < len; i++)
    if (!is_digit (d[i]))
      FAIL (NON_DIGIT_CHARACTER, i, 1);

  if (positive_offer)
    {
      /* Format code, funder, offer code, serial number. */
      if (!(r = coupon_code (&c, "01", MAR_GS1_LINT_COUPON_MISSING_FORMAT_CODE,
                             MAR_GS1_LINT_COUPON_INVALID_FORMAT_CODE)) &&
          !(r = coupon_vli_field (&c, '0', '6', 0, 6, FALSE, MAR_GS1_LINT_COUPON_MISSING_FUNDER_VLI,
                                  MAR_GS1_LINT_COUPON_INVALID_FUNDER_LENGTH,
                                  MAR_GS1_LINT_COUPON_TRUNCATED_FUNDER)) &&
          !(r = coupon_take (&c, 6, MAR_GS1_LINT_COUPON_TRUNCATED_OFFER_CODE)) &&
          !(r = coupon_vli_field (&c, '0', '9', 0, 6, FALSE, MAR_GS1_LINT_COUPON_MISSING_SERIAL_NUMBER_VLI,
                                  MAR_GS1_LINT_OK, MAR_GS1_LINT_COUPON_TRUNCATED_SERIAL_NUMBER)) &&
          c.at != c.len)
        {
          c.pos = c.at;
          c.elen = c.len - c.at;
          r = MAR_GS1_LINT_COUPON_EXCESS_DATA;
        }
    }
  else
    r = coupon_code_fields (&c);

  *pos = c.pos;
  *elen = c.elen;
  return r;
}

static MarGs1Lint
lint_couponcode (const char *d, gsize len, gsize *pos, gsize *elen)
{
  return lint_coupon (d, len, FALSE, pos, elen);
}

static MarGs1Lint
lint_couponposoffer (const char *d, gsize len, gsize *pos, gsize *elen)
{
  return lint_coupon (d, len, TRUE, pos, elen);
}

#undef FAIL

typedef struct
{
  const char *name;
  LintFunc    func;
} Linter;

/* Sorted by name. */
static const Linter linters[] = {
  { "couponcode",     lint_couponcode },
  { "couponposoffer", lint_couponposoffer },
  { "cset39",         lint_cset39 },
  { "cset64",         lint_cset64 },
  { "cset82",         lint_cset82 },
  { "csetnumeric",    lint_csetnumeric },
  { "csum",           lint_csum },
  { "csumalpha",      lint_csumalpha },
  { "gcppos1",        lint_gcppos1 },
  { "gcppos2",        lint_gcppos2 },
  { "hasnondigit",    lint_hasnondigit },
  { "hh",             lint_hh },
  { "hhmi",           lint_hhmi },
  { "hyphen",         lint_hyphen },
  { "iban",           lint_iban },
  { "importeridx",    lint_importeridx },
  { "iso3166",        lint_iso3166 },
  { "iso3166999",     lint_iso3166999 },
  { "iso3166alpha2",  lint_iso3166alpha2 },
  { "iso4217",        lint_iso4217 },
  { "iso5218",        lint_iso5218 },
  { "latitude",       lint_latitude },
  { "longitude",      lint_longitude },
  { "mediatype",      lint_mediatype },
  { "mi",             lint_mi },
  { "nonzero",        lint_nonzero },
  { "nozeroprefix",   lint_nozeroprefix },
  { "packagetype",    lint_packagetype },
  { "pcenc",          lint_pcenc },
  { "pieceoftotal",   lint_pieceoftotal },
  { "posinseqslash",  lint_posinseqslash },
  { "ss",             lint_ss },
  { "winding",        lint_winding },
  { "yesno",          lint_yesno },
  { "yymmd0",         lint_yymmd0 },
  { "yymmdd",         lint_yymmdd },
  { "yyyymmd0",       lint_yyyymmd0 },
  { "yyyymmdd",       lint_yyyymmdd },
  { "zero",           lint_zero },
};

static int
compare_linter (gconstpointer key,
                gconstpointer member)
{
  return strcmp (key, ((const Linter *) member)->name);
}

static LintFunc
find_linter (const char *name)
{
  const Linter *l = bsearch (name, linters, G_N_ELEMENTS (linters), sizeof linters[0], compare_linter);

  return l != NULL ? l->func : NULL;
}

gboolean
mar_gs1_lint (const char *name,
              const char *data,
              gsize       len,
              MarGs1Lint *result,
              gsize      *err_pos,
              gsize      *err_len)
{
  LintFunc func;
  gsize pos = 0, elen = 0;

  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (result != NULL, FALSE);

  if ((func = find_linter (name)) == NULL)
    return FALSE;
  *result = func (data != NULL ? data : "", len, &pos, &elen);
  if (err_pos != NULL)
    *err_pos = *result != MAR_GS1_LINT_OK ? pos : 0;
  if (err_len != NULL)
    *err_len = *result != MAR_GS1_LINT_OK ? elen : 0;
  return TRUE;
}

/* ------------------------------------------------------------------------
 * The syntax dictionary
 * ------------------------------------------------------------------------ */

#define MAX_COMPONENTS 6
#define MAX_COMPONENT_LINTERS 4

typedef struct
{
  const char *name;         /* owned by the dictionary */
  LintFunc    func;         /* NULL: not implemented here, fails closed */
} ComponentLinter;

typedef struct
{
  char            cset;     /* 'N', 'X', 'Y' or 'Z' */
  guint8          min;
  guint8          max;
  gboolean        optional;
  guint           n_linters;
  ComponentLinter linters[MAX_COMPONENT_LINTERS];
} Component;

struct _MarGs1Ai
{
  char       code[5];
  gboolean   predefined;      /* flag "*": no FNC1 after it */
  gboolean   dl_attribute;    /* flag "?": may be a Digital Link query parameter */
  gboolean   dl_primary_key;  /* has a dlpkey attribute */
  guint      n_components;
  Component  components[MAX_COMPONENTS];
  gsize      min_length;
  gsize      max_length;
  char     **req;             /* each req= list, "01+21,02,35nn" */
  char     **ex;              /* each ex= list, "255,37" */
  char    ***dl_qualifiers;   /* per dlpkey alternative, its qualifiers in order */
  const char *title;
};

/* AIs are 2, 3 or 4 digits: one slot per possible code. */
#define SLOTS_2 100
#define SLOTS_3 1000
#define SLOTS_4 10000
#define N_SLOTS (SLOTS_2 + SLOTS_3 + SLOTS_4)

typedef struct
{
  MarGs1Ai  *slots[N_SLOTS];
  guint      n_ais;
  guint8     prefix_length[100];  /* AI length for its first two digits, 0 if none */
  GPtrArray *linter_names;
} Dictionary;

static gssize
slot_of (const char *code,
         gsize       len)
{
  guint n = 0;

  if (len < 2 || len > 4 || !all_digits (code, len))
    return -1;
  for (gsize i = 0; i < len; i++)
    n = n * 10 + (guint) (code[i] - '0');
  switch (len)
    {
    case 2: return n;
    case 3: return SLOTS_2 + n;
    default: return SLOTS_2 + SLOTS_3 + n;
    }
}

static gboolean
is_flag_token (const char *tok)
{
  static const char flags[] = "*!?\"$%&'()+,-./:;<=>@[\\]^_`{|}~";

  for (const char *p = tok; *p; p++)
    if (strchr (flags, *p) == NULL)
      return FALSE;
  return *tok != '\0';
}

static const char *
intern_linter (Dictionary *dict,
               const char *name)
{
  const char *interned = g_intern_string (name);

  if (!g_ptr_array_find (dict->linter_names, interned, NULL))
    g_ptr_array_add (dict->linter_names, (gpointer) interned);
  return interned;
}

/* "N13,csum,gcppos1", "[N3],iso3166", "X..20", "[X..17]". */
static gboolean
parse_component (Dictionary *dict,
                 const char *tok,
                 Component  *comp)
{
  const char *p = tok;
  guint64 n;
  char *end;

  memset (comp, 0, sizeof *comp);
  if (*p == '[')
    {
      comp->optional = TRUE;
      p++;
    }
  if (*p != 'N' && *p != 'X' && *p != 'Y' && *p != 'Z')
    return FALSE;
  comp->cset = *p++;
  if (g_str_has_prefix (p, ".."))
    {
      p += 2;
      n = g_ascii_strtoull (p, &end, 10);
      if (end == p || n < 1 || n > 99)
        return FALSE;
      comp->min = 1;
      comp->max = (guint8) n;
    }
  else
    {
      n = g_ascii_strtoull (p, &end, 10);
      if (end == p || n < 1 || n > 99)
        return FALSE;
      comp->min = comp->max = (guint8) n;
    }
  p = end;
  if (comp->optional && *p++ != ']')
    return FALSE;
  while (*p == ',')
    {
      const char *start = ++p;
      g_autofree char *name = NULL;

      while (*p && *p != ',')
        p++;
      if (p == start || comp->n_linters == MAX_COMPONENT_LINTERS)
        return FALSE;
      name = g_strndup (start, (gsize) (p - start));
      comp->linters[comp->n_linters].name = intern_linter (dict, name);
      comp->linters[comp->n_linters].func = find_linter (name);
      comp->n_linters++;
    }
  return *p == '\0';
}

static char **
strv_append (char       **strv,
             const char  *s)
{
  guint n = strv != NULL ? g_strv_length (strv) : 0;

  strv = g_renew (char *, strv, n + 2);
  strv[n] = g_strdup (s);
  strv[n + 1] = NULL;
  return strv;
}

static char ***
qualifiers_append (char ***list,
                   char  **qualifiers)
{
  guint n = 0;

  while (list != NULL && list[n] != NULL)
    n++;
  list = g_renew (char **, list, n + 2);
  list[n] = qualifiers;
  list[n + 1] = NULL;
  return list;
}

/* Whitespace-separated fields, without the empty ones g_strsplit_set()
 * leaves between repeated blanks. */
static char **
split_fields (char *text)
{
  char **tokens = g_strsplit_set (g_strstrip (text), " \t", -1);
  guint w = 0;

  for (guint r = 0; tokens[r] != NULL; r++)
    {
      if (*tokens[r] != '\0')
        tokens[w++] = tokens[r];
      else
        g_free (tokens[r]);
    }
  tokens[w] = NULL;
  return tokens;
}

static void
clear_attributes (MarGs1Ai *proto)
{
  g_clear_pointer (&proto->req, g_strfreev);
  g_clear_pointer (&proto->ex, g_strfreev);
  for (guint i = 0; proto->dl_qualifiers != NULL && proto->dl_qualifiers[i] != NULL; i++)
    g_strfreev (proto->dl_qualifiers[i]);
  g_clear_pointer (&proto->dl_qualifiers, g_free);
}

/* One line: "AIs [Flags] Specification [Attributes...] [# Title]". */
static gboolean
parse_line (Dictionary *dict,
            const char *line)
{
  g_autofree char *fields = NULL;
  g_auto(GStrv) tokens = NULL;
  const char *hash = strchr (line, '#');
  MarGs1Ai proto = { 0 };
  guint t = 0, first, last;
  const char *range, *dash;
  gsize code_len;

  fields = hash != NULL ? g_strndup (line, (gsize) (hash - line)) : g_strdup (line);
  tokens = split_fields (fields);
  if (tokens[0] == NULL)
    return TRUE;

  /* "3100-3105": one entry per AI of the range. */
  range = tokens[t++];
  dash = strchr (range, '-');
  code_len = dash != NULL ? (gsize) (dash - range) : strlen (range);
  if (code_len < 2 || code_len > 4 || !all_digits (range, code_len) ||
      (dash != NULL && (strlen (dash + 1) != code_len || !all_digits (dash + 1, code_len))))
    return FALSE;
  first = (guint) g_ascii_strtoull (range, NULL, 10);
  last = dash != NULL ? (guint) g_ascii_strtoull (dash + 1, NULL, 10) : first;
  if (last < first)
    return FALSE;

  if (tokens[t] != NULL && is_flag_token (tokens[t]))
    {
      proto.predefined = strchr (tokens[t], '*') != NULL;
      proto.dl_attribute = strchr (tokens[t], '?') != NULL;
      t++;
    }
  for (; tokens[t] != NULL && (tokens[t][0] == '[' || strchr ("NXYZ", tokens[t][0]) != NULL) &&
         strchr (tokens[t], '=') == NULL; t++)
    {
      Component *comp;

      if (proto.n_components == MAX_COMPONENTS)
        return FALSE;
      comp = &proto.components[proto.n_components++];
      if (!parse_component (dict, tokens[t], comp))
        return FALSE;
      if (!comp->optional)
        proto.min_length += comp->min;
      proto.max_length += comp->max;
    }
  if (proto.n_components == 0)
    return FALSE;

  for (; tokens[t] != NULL; t++)
    {
      const char *tok = tokens[t];

      if (g_str_has_prefix (tok, "req="))
        proto.req = strv_append (proto.req, tok + 4);
      else if (g_str_has_prefix (tok, "ex="))
        proto.ex = strv_append (proto.ex, tok + 3);
      else if (strcmp (tok, "dlpkey") == 0)
        {
          proto.dl_primary_key = TRUE;
          proto.dl_qualifiers = qualifiers_append (proto.dl_qualifiers, g_new0 (char *, 1));
        }
      else if (g_str_has_prefix (tok, "dlpkey="))
        {
          g_auto(GStrv) alternatives = g_strsplit (tok + 7, "|", -1);

          proto.dl_primary_key = TRUE;
          for (guint a = 0; alternatives[a] != NULL; a++)
            proto.dl_qualifiers = qualifiers_append (proto.dl_qualifiers,
                                                     g_strsplit (alternatives[a], ",", -1));
        }
      /* Other attributes are for other uses of the dictionary. */
    }
  if (hash != NULL)
    {
      g_autofree char *title = g_strdup (hash + 1);

      proto.title = g_intern_string (g_strstrip (title));
    }
  else
    proto.title = g_intern_static_string ("");

  for (guint n = first; n <= last; n++)
    {
      char code[5];
      gssize slot;

      g_snprintf (code, sizeof code, "%0*u", (int) code_len, n);
      slot = slot_of (code, code_len);
      if (dict->slots[slot] != NULL)
        {
          /* A duplicate: entries already made for this line keep sharing
           * the attributes, so only a line that made none may free them. */
          if (n == first)
            clear_attributes (&proto);
          return FALSE;
        }
      dict->slots[slot] = g_new (MarGs1Ai, 1);
      *dict->slots[slot] = proto;
      memcpy (dict->slots[slot]->code, code, sizeof code);
      dict->n_ais++;
      dict->prefix_length[(code[0] - '0') * 10 + (code[1] - '0')] = (guint8) code_len;
    }
  return TRUE;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Parsed once and kept for the life of the process (the entries share
 * their attribute strings, which is why nothing here is ever freed). */
static Dictionary *
dictionary_load (void)
{
  Dictionary *dict = g_new0 (Dictionary, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *text = NULL;
  gsize size;
  const char *data;

  dict->linter_names = g_ptr_array_new ();
  bytes = g_resource_lookup_data (mar_core_get_resource (), DICTIONARY_PATH,
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (bytes == NULL)
    {
      /* Every GS1 scan will then be rejected: fail closed. */
      g_critical ("Cannot load the GS1 syntax dictionary: %s", error->message);
      return dict;
    }
  data = g_bytes_get_data (bytes, &size);
  text = g_strndup (data, size);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];

      while (*line == ' ' || *line == '\t')
        line++;
      if (*line == '#' || *line == '\0' || *line == '\r')
        continue;
      g_strchomp (lines[i]);
      if (!parse_line (dict, line))
        {
          /* A line we cannot read is an AI we do not know: its scans are
           * rejected, the others still work. */
          g_critical ("GS1 syntax dictionary line %u cannot be read: %s", i + 1, line);
        }
    }
  g_ptr_array_sort (dict->linter_names, compare_strings);
  return dict;
}

static const Dictionary *
get_dictionary (void)
{
  static Dictionary *dictionary = NULL;

  if (g_once_init_enter (&dictionary))
    g_once_init_leave (&dictionary, dictionary_load ());
  return dictionary;
}

const MarGs1Ai *
mar_gs1_lookup_ai (const char *ai,
                   gsize       len)
{
  gssize slot;

  g_return_val_if_fail (ai != NULL || len == 0, NULL);

  if ((slot = slot_of (ai, len)) < 0)
    return NULL;
  return get_dictionary ()->slots[slot];
}

GPtrArray *
mar_gs1_dictionary_list_linters (void)
{
  GPtrArray *names = get_dictionary ()->linter_names;

  return g_ptr_array_copy (names, NULL, NULL);
}

guint
mar_gs1_dictionary_count_ais (void)
{
  return get_dictionary ()->n_ais;
}

const char *
mar_gs1_ai_get_code (const MarGs1Ai *ai)
{
  g_return_val_if_fail (ai != NULL, NULL);

  return ai->code;
}

/* The names nurses and pharmacists use for the AIs a bedside meets; the
 * others keep the dictionary's title. */
static const struct
{
  const char *code;
  const char *name;
} ai_names[] = {
  { "00",   N_("Shipping container code (SSCC)") },
  { "01",   N_("GTIN") },
  { "02",   N_("GTIN of contained items") },
  { "10",   N_("Lot") },
  { "11",   N_("Production date") },
  { "15",   N_("Best-before date") },
  { "17",   N_("Expiry date") },
  { "21",   N_("Serial number") },
  { "22",   N_("Consumer product variant") },
  { "30",   N_("Count") },
  { "37",   N_("Count of trade items") },
  { "7003", N_("Expiry date and time") },
  { "710",  N_("National healthcare reimbursement number (PZN)") },
  { "715",  N_("National healthcare reimbursement number (NDC)") },
  { "8017", N_("Care provider ID (GSRN)") },
  { "8018", N_("Patient ID (GSRN)") },
  { "8019", N_("Service relation instance number") },
  { "8030", N_("Digital signature") },
};

const char *
mar_gs1_ai_get_name (const MarGs1Ai *ai)
{
  g_return_val_if_fail (ai != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (ai_names); i++)
    if (strcmp (ai_names[i].code, ai->code) == 0)
      return _(ai_names[i].name);
  return *ai->title != '\0' ? ai->title : ai->code;
}

gboolean
mar_gs1_ai_is_predefined_length (const MarGs1Ai *ai)
{
  g_return_val_if_fail (ai != NULL, FALSE);

  return ai->predefined;
}

gsize
mar_gs1_ai_get_min_length (const MarGs1Ai *ai)
{
  g_return_val_if_fail (ai != NULL, 0);

  return ai->min_length;
}

gsize
mar_gs1_ai_get_max_length (const MarGs1Ai *ai)
{
  g_return_val_if_fail (ai != NULL, 0);

  return ai->max_length;
}

/* ------------------------------------------------------------------------
 * Messages. Every rejection names the AI, the value and the reason:
 * "Expiry date (17) 261331: month 13 does not exist".
 * ------------------------------------------------------------------------ */

#define MESSAGE_VALUE_MAX_CHARS 48

/* Text that may go into a message: valid UTF-8, control and invisible
 * characters replaced by U+FFFD, long values shortened. */
char *
mar_gs1_printable (const char *s,
                   gsize       len)
{
  g_autofree char *valid = g_utf8_make_valid (s, (gssize) len);
  GString *out = g_string_sized_new (len + 4);
  guint n = 0;

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (n++ == MESSAGE_VALUE_MAX_CHARS)
        {
          g_string_append (out, "…");
          break;
        }
      if (g_unichar_iscntrl (c) || g_unichar_type (c) == G_UNICODE_FORMAT)
        c = 0xFFFD;
      g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

/* "“~”", "a space", "control character 0x1D", "byte 0xFF". */
static char *
describe_char_at (const char *s,
                  gsize       len,
                  gsize       pos)
{
  guchar c = (guchar) s[pos];
  gunichar u;
  char buf[8] = { 0 };

  if (c == ' ')
    return g_strdup (_("a space"));
  if (c < 0x20 || c == 0x7f)
    return g_strdup_printf (_("control character 0x%02X"), c);
  if (c < 0x80)
    return g_strdup_printf ("“%c”", c);
  u = g_utf8_get_char_validated (s + pos, (gssize) (len - pos));
  if (u == (gunichar) -1 || u == (gunichar) -2)
    return g_strdup_printf (_("byte 0x%02X"), c);
  if (g_unichar_iscntrl (u) || g_unichar_type (u) == G_UNICODE_FORMAT)
    return g_strdup_printf (_("invisible character U+%04X"), u);
  g_unichar_to_utf8 (u, buf);
  return g_strdup_printf ("“%s”", buf);
}

/* 1-based position of the character at byte @pos, as a person counts. */
static gsize
char_number (const char *s,
             gsize       pos)
{
  if (g_utf8_validate_len (s, pos, NULL))
    return (gsize) g_utf8_strlen (s, (gssize) pos) + 1;
  return pos + 1;
}

static void
set_element_error (GError         **error,
                   MarBarcodeError  code,
                   const MarGs1Ai  *ai,
                   const char      *value,
                   gsize            len,
                   const char      *reason)
{
  g_autofree char *shown = mar_gs1_printable (value, len);

  /* TRANSLATORS: AI name, AI digits, the value scanned, what is wrong:
   * "Expiry date (17) 261331: month 13 does not exist" */
  g_set_error (error, MAR_BARCODE_ERROR, code, _("%s (%s) %s: %s"),
               mar_gs1_ai_get_name (ai), ai->code, shown, reason);
}

static void
set_empty_value_error (GError         **error,
                       const MarGs1Ai  *ai)
{
  g_set_error (error, MAR_BARCODE_ERROR, MAR_BARCODE_ERROR_TRUNCATED,
               _("%s (%s) has no value."), mar_gs1_ai_get_name (ai), ai->code);
}

/* The value of @ai has @len characters, outside min..max. */
static void
set_length_error (GError         **error,
                  const MarGs1Ai  *ai,
                  const char      *value,
                  gsize            len)
{
  g_autofree char *reason = NULL;

  if (len < ai->min_length)
    {
      if (ai->min_length == ai->max_length)
        reason = g_strdup_printf (_("too short: it needs %zu characters and has %zu"), ai->min_length, len);
      else
        reason = g_strdup_printf (_("too short: it needs at least %zu characters and has %zu"), ai->min_length, len);
      set_element_error (error, MAR_BARCODE_ERROR_TRUNCATED, ai, value, len, reason);
    }
  else
    {
      if (ai->min_length == ai->max_length)
        reason = g_strdup_printf (_("too long: it needs %zu characters and has %zu"), ai->max_length, len);
      else
        reason = g_strdup_printf (_("too long: at most %zu characters are allowed and it has %zu"), ai->max_length, len);
      set_element_error (error, MAR_BARCODE_ERROR_TOO_LONG, ai, value, len, reason);
    }
}

static MarBarcodeError
error_code_for_lint (MarGs1Lint lint)
{
  switch (lint)
    {
    case MAR_GS1_LINT_NON_DIGIT_CHARACTER:
    case MAR_GS1_LINT_INVALID_CSET82_CHARACTER:
    case MAR_GS1_LINT_INVALID_CSET39_CHARACTER:
    case MAR_GS1_LINT_INVALID_CSET64_CHARACTER:
    case MAR_GS1_LINT_INVALID_CSET64_PADDING:
    case MAR_GS1_LINT_INVALID_PERCENT_SEQUENCE:
    case MAR_GS1_LINT_INVALID_IMPORT_IDX_CHARACTER:
    case MAR_GS1_LINT_INVALID_IBAN_CHARACTER:
      return MAR_BARCODE_ERROR_BAD_CHARACTER;

    case MAR_GS1_LINT_INCORRECT_CHECK_DIGIT:
    case MAR_GS1_LINT_INCORRECT_CHECK_PAIR:
    case MAR_GS1_LINT_INCORRECT_IBAN_CHECKSUM:
      return MAR_BARCODE_ERROR_CHECK_DIGIT;

    case MAR_GS1_LINT_DATE_TOO_SHORT:
    case MAR_GS1_LINT_DATE_TOO_LONG:
    case MAR_GS1_LINT_ILLEGAL_MONTH:
    case MAR_GS1_LINT_ILLEGAL_DAY:
    case MAR_GS1_LINT_HOUR_TOO_SHORT:
    case MAR_GS1_LINT_HOUR_TOO_LONG:
    case MAR_GS1_LINT_ILLEGAL_HOUR:
    case MAR_GS1_LINT_MINUTE_TOO_SHORT:
    case MAR_GS1_LINT_MINUTE_TOO_LONG:
    case MAR_GS1_LINT_ILLEGAL_MINUTE:
    case MAR_GS1_LINT_SECOND_TOO_SHORT:
    case MAR_GS1_LINT_SECOND_TOO_LONG:
    case MAR_GS1_LINT_ILLEGAL_SECOND:
    case MAR_GS1_LINT_HOUR_WITH_MINUTE_TOO_SHORT:
    case MAR_GS1_LINT_HOUR_WITH_MINUTE_TOO_LONG:
    case MAR_GS1_LINT_COUPON_INVALID_EXIPIRATION_DATE:
    case MAR_GS1_LINT_COUPON_INVALID_START_DATE:
    case MAR_GS1_LINT_COUPON_EXPIRATION_BEFORE_START:
      return MAR_BARCODE_ERROR_BAD_DATE;

    case MAR_GS1_LINT_TOO_SHORT_FOR_CHECK_DIGIT:
    case MAR_GS1_LINT_TOO_SHORT_FOR_CHECK_PAIR:
    case MAR_GS1_LINT_TOO_SHORT_FOR_GCP:
    case MAR_GS1_LINT_IBAN_TOO_SHORT:
    case MAR_GS1_LINT_COUPON_MISSING_FORMAT_CODE:
    case MAR_GS1_LINT_COUPON_MISSING_FUNDER_VLI:
    case MAR_GS1_LINT_COUPON_TRUNCATED_FUNDER:
    case MAR_GS1_LINT_COUPON_MISSING_GCP_VLI:
    case MAR_GS1_LINT_COUPON_TRUNCATED_GCP:
    case MAR_GS1_LINT_COUPON_TRUNCATED_OFFER_CODE:
    case MAR_GS1_LINT_COUPON_MISSING_SAVE_VALUE_VLI:
    case MAR_GS1_LINT_COUPON_TRUNCATED_SAVE_VALUE:
    case MAR_GS1_LINT_COUPON_MISSING_1ST_PURCHASE_REQUIREMENT_VLI:
    case MAR_GS1_LINT_COUPON_TRUNCATED_1ST_PURCHASE_REQUIREMENT:
    case MAR_GS1_LINT_COUPON_MISSING_1ST_PURCHASE_REQUIREMENT_CODE:
    case MAR_GS1_LINT_COUPON_TRUNCATED_1ST_PURCHASE_FAMILY_CODE:
    case MAR_GS1_LINT_COUPON_MISSING_ADDITIONAL_PURCHASE_RULES_CODE:
    case MAR_GS1_LINT_COUPON_MISSING_2ND_PURCHASE_REQUIREMENT_VLI:
    case MAR_GS1_LINT_COUPON_TRUNCATED_2ND_PURCHASE_REQUIREMENT:
    case MAR_GS1_LINT_COUPON_MISSING_2ND_PURCHASE_REQUIREMENT_CODE:
    case MAR_GS1_LINT_COUPON_TRUNCATED_2ND_PURCHASE_FAMILY_CODE:
    case MAR_GS1_LINT_COUPON_MISSING_2ND_PURCHASE_GCP_VLI:
    case MAR_GS1_LINT_COUPON_TRUNCATED_2ND_PURCHASE_GCP:
    case MAR_GS1_LINT_COUPON_MISSING_3RD_PURCHASE_REQUIREMENT_VLI:
    case MAR_GS1_LINT_COUPON_TRUNCATED_3RD_PURCHASE_REQUIREMENT:
    case MAR_GS1_LINT_COUPON_MISSING_3RD_PURCHASE_REQUIREMENT_CODE:
    case MAR_GS1_LINT_COUPON_TRUNCATED_3RD_PURCHASE_FAMILY_CODE:
    case MAR_GS1_LINT_COUPON_MISSING_3RD_PURCHASE_GCP_VLI:
    case MAR_GS1_LINT_COUPON_TRUNCATED_3RD_PURCHASE_GCP:
    case MAR_GS1_LINT_COUPON_TOO_SHORT_FOR_EXPIRATION_DATE:
    case MAR_GS1_LINT_COUPON_TOO_SHORT_FOR_START_DATE:
    case MAR_GS1_LINT_COUPON_MISSING_SERIAL_NUMBER_VLI:
    case MAR_GS1_LINT_COUPON_TRUNCATED_SERIAL_NUMBER:
    case MAR_GS1_LINT_COUPON_MISSING_RETAILER_GCP_OR_GLN_VLI:
    case MAR_GS1_LINT_COUPON_TRUNCATED_RETAILER_GCP_OR_GLN:
    case MAR_GS1_LINT_COUPON_MISSING_SAVE_VALUE_CODE:
    case MAR_GS1_LINT_COUPON_MISSING_SAVE_VALUE_APPLIES_TO_ITEM:
    case MAR_GS1_LINT_COUPON_MISSING_STORE_COUPON_FLAG:
    case MAR_GS1_LINT_COUPON_MISSING_DONT_MULTIPLY_FLAG:
      return MAR_BARCODE_ERROR_TRUNCATED;

    case MAR_GS1_LINT_TOO_LONG_FOR_CHECK_PAIR_IMPLEMENTATION:
    case MAR_GS1_LINT_IBAN_TOO_LONG:
    case MAR_GS1_LINT_COUPON_EXCESS_DATA:
      return MAR_BARCODE_ERROR_TOO_LONG;

    case MAR_GS1_LINT_OK:
    case MAR_GS1_LINT_UNKNOWN_LINTER:
    case MAR_GS1_LINT_REQUIRES_NON_DIGIT_CHARACTER:
    case MAR_GS1_LINT_INVALID_GCP_PREFIX:
    case MAR_GS1_LINT_NOT_HYPHEN:
    case MAR_GS1_LINT_NOT_ZERO:
    case MAR_GS1_LINT_NOT_ZERO_OR_ONE:
    case MAR_GS1_LINT_ILLEGAL_ZERO_VALUE:
    case MAR_GS1_LINT_ILLEGAL_ZERO_PREFIX:
    case MAR_GS1_LINT_INVALID_WINDING_DIRECTION:
    case MAR_GS1_LINT_INVALID_BIOLOGICAL_SEX_CODE:
    case MAR_GS1_LINT_NOT_ISO3166:
    case MAR_GS1_LINT_NOT_ISO3166_OR_999:
    case MAR_GS1_LINT_NOT_ISO3166_ALPHA2:
    case MAR_GS1_LINT_NOT_ISO4217:
    case MAR_GS1_LINT_LATITUDE_INVALID_LENGTH:
    case MAR_GS1_LINT_INVALID_LATITUDE:
    case MAR_GS1_LINT_LONGITUDE_INVALID_LENGTH:
    case MAR_GS1_LINT_INVALID_LONGITUDE:
    case MAR_GS1_LINT_INVALID_LENGTH_FOR_PIECE_OF_TOTAL:
    case MAR_GS1_LINT_ZERO_PIECE_NUMBER:
    case MAR_GS1_LINT_ZERO_TOTAL_PIECES:
    case MAR_GS1_LINT_PIECE_NUMBER_EXCEEDS_TOTAL:
    case MAR_GS1_LINT_POSITION_IN_SEQUENCE_MALFORMED:
    case MAR_GS1_LINT_POSITION_EXCEEDS_END:
    case MAR_GS1_LINT_IMPORTER_IDX_MUST_BE_ONE_CHARACTER:
    case MAR_GS1_LINT_INVALID_MEDIA_TYPE:
    case MAR_GS1_LINT_ILLEGAL_IBAN_COUNTRY_CODE:
    case MAR_GS1_LINT_COUPON_INVALID_FORMAT_CODE:
    case MAR_GS1_LINT_COUPON_INVALID_FUNDER_LENGTH:
    case MAR_GS1_LINT_COUPON_INVALID_GCP_LENGTH:
    case MAR_GS1_LINT_COUPON_INVALID_SAVE_VALUE_LENGTH:
    case MAR_GS1_LINT_COUPON_INVALID_1ST_PURCHASE_REQUIREMENT_LENGTH:
    case MAR_GS1_LINT_COUPON_INVALID_1ST_PURCHASE_REQUIREMENT_CODE:
    case MAR_GS1_LINT_COUPON_INVALID_ADDITIONAL_PURCHASE_RULES_CODE:
    case MAR_GS1_LINT_COUPON_INVALID_2ND_PURCHASE_REQUIREMENT_LENGTH:
    case MAR_GS1_LINT_COUPON_INVALID_2ND_PURCHASE_REQUIREMENT_CODE:
    case MAR_GS1_LINT_COUPON_INVALID_2ND_PURCHASE_GCP_LENGTH:
    case MAR_GS1_LINT_COUPON_INVALID_3RD_PURCHASE_REQUIREMENT_LENGTH:
    case MAR_GS1_LINT_COUPON_INVALID_3RD_PURCHASE_REQUIREMENT_CODE:
    case MAR_GS1_LINT_COUPON_INVALID_3RD_PURCHASE_GCP_LENGTH:
    case MAR_GS1_LINT_COUPON_INVALID_RETAILER_GCP_OR_GLN_LENGTH:
    case MAR_GS1_LINT_COUPON_INVALID_SAVE_VALUE_CODE:
    case MAR_GS1_LINT_COUPON_INVALID_SAVE_VALUE_APPLIES_TO_ITEM:
    case MAR_GS1_LINT_COUPON_INVALID_DONT_MULTIPLY_FLAG:
    case MAR_GS1_LINT_N_RESULTS:
    default:
      return MAR_BARCODE_ERROR_INVALID_VALUE;
    }
}

static char *
month_name (int month)
{
  g_autoptr(GDateTime) dt = g_date_time_new_utc (2000, month, 1, 0, 0, 0);

  return g_date_time_format (dt, "%B");
}

/* Why a linter refused the component of @len bytes at @start of the
 * value; @pos/@elen are relative to the component. */
static char *
lint_reason (MarGs1Lint  lint,
             const char *name,
             const char *value,
             gsize       value_len,
             gsize       start,
             gsize       len,
             gsize       pos,
             gsize       elen)
{
  const char *comp = value + start;
  gsize abs = start + pos;
  g_autofree char *ch = abs < value_len ? describe_char_at (value, value_len, abs) : NULL;
  g_autofree char *part = mar_gs1_printable (comp + pos, MIN (elen, len - pos));

  switch (lint)
    {
    case MAR_GS1_LINT_NON_DIGIT_CHARACTER:
      return g_strdup_printf (_("character %zu (%s) is not a digit"), char_number (value, abs), ch);

    case MAR_GS1_LINT_INVALID_CSET82_CHARACTER:
    case MAR_GS1_LINT_INVALID_CSET39_CHARACTER:
    case MAR_GS1_LINT_INVALID_CSET64_CHARACTER:
    case MAR_GS1_LINT_INVALID_IMPORT_IDX_CHARACTER:
    case MAR_GS1_LINT_INVALID_IBAN_CHARACTER:
      return g_strdup_printf (_("character %zu (%s) is not allowed here"), char_number (value, abs), ch);

    case MAR_GS1_LINT_INVALID_CSET64_PADDING:
      return g_strdup (_("the padding “=” at the end is not valid"));

    case MAR_GS1_LINT_INCORRECT_CHECK_DIGIT:
      return g_strdup_printf (_("check digit should be %c"),
                              mar_gs1_compute_check_digit (comp, len - 1));

    case MAR_GS1_LINT_INCORRECT_CHECK_PAIR:
      {
        char pair[3] = "??";
        gsize bad;

        compute_check_pair (comp, len - 2, pair, &bad);
        return g_strdup_printf (_("check characters should be %s"), pair);
      }

    case MAR_GS1_LINT_TOO_SHORT_FOR_CHECK_DIGIT:
      return g_strdup (_("too short to hold a check digit"));
    case MAR_GS1_LINT_TOO_SHORT_FOR_CHECK_PAIR:
      return g_strdup (_("too short to hold its two check characters"));
    case MAR_GS1_LINT_TOO_LONG_FOR_CHECK_PAIR_IMPLEMENTATION:
      return g_strdup (_("too long to verify its check characters"));
    case MAR_GS1_LINT_TOO_SHORT_FOR_GCP:
      return g_strdup (_("too short to hold a GS1 Company Prefix"));
    case MAR_GS1_LINT_INVALID_GCP_PREFIX:
      return g_strdup (_("it must start with a GS1 Company Prefix, which has only digits"));
    case MAR_GS1_LINT_REQUIRES_NON_DIGIT_CHARACTER:
      return g_strdup (_("it must hold at least one character that is not a digit"));

    case MAR_GS1_LINT_ILLEGAL_MONTH:
      return g_strdup_printf (_("month %s does not exist"), part);
    case MAR_GS1_LINT_ILLEGAL_DAY:
      {
        int month = (comp[pos - 2] - '0') * 10 + (comp[pos - 1] - '0');
        int day = (comp[pos] - '0') * 10 + (comp[pos + 1] - '0');
        g_autofree char *mname = NULL;

        if (day == 0)
          return g_strdup (_("day 00 is not allowed here"));
        mname = month_name (month);
        if (month == 2 && day == 29)
          return g_strdup (_("29 February does not exist in that year"));
        return g_strdup_printf (_("there is no day %d in %s"), day, mname);
      }
    case MAR_GS1_LINT_ILLEGAL_HOUR:
      return g_strdup_printf (_("hour %s does not exist"), part);
    case MAR_GS1_LINT_ILLEGAL_MINUTE:
      return g_strdup_printf (_("minute %s does not exist"), part);
    case MAR_GS1_LINT_ILLEGAL_SECOND:
      return g_strdup_printf (_("second %s does not exist"), part);
    case MAR_GS1_LINT_DATE_TOO_SHORT:
    case MAR_GS1_LINT_DATE_TOO_LONG:
    case MAR_GS1_LINT_HOUR_TOO_SHORT:
    case MAR_GS1_LINT_HOUR_TOO_LONG:
    case MAR_GS1_LINT_MINUTE_TOO_SHORT:
    case MAR_GS1_LINT_MINUTE_TOO_LONG:
    case MAR_GS1_LINT_SECOND_TOO_SHORT:
    case MAR_GS1_LINT_SECOND_TOO_LONG:
    case MAR_GS1_LINT_HOUR_WITH_MINUTE_TOO_SHORT:
    case MAR_GS1_LINT_HOUR_WITH_MINUTE_TOO_LONG:
      return g_strdup (_("the date or time has the wrong number of digits"));

    case MAR_GS1_LINT_NOT_HYPHEN:
      return g_strdup (_("it must be “-”"));
    case MAR_GS1_LINT_NOT_ZERO:
      return g_strdup (_("it must be zero"));
    case MAR_GS1_LINT_NOT_ZERO_OR_ONE:
      return g_strdup (_("it must be 0 or 1"));
    case MAR_GS1_LINT_ILLEGAL_ZERO_VALUE:
      return g_strdup (_("it must not be zero"));
    case MAR_GS1_LINT_ILLEGAL_ZERO_PREFIX:
      return g_strdup (_("a number must not start with 0"));
    case MAR_GS1_LINT_INVALID_WINDING_DIRECTION:
      return g_strdup (_("the winding direction must be 0, 1 or 9"));
    case MAR_GS1_LINT_INVALID_BIOLOGICAL_SEX_CODE:
      return g_strdup (_("the sex code must be 0, 1, 2 or 9"));
    case MAR_GS1_LINT_NOT_ISO3166:
    case MAR_GS1_LINT_NOT_ISO3166_OR_999:
      return g_strdup_printf (_("%s is not an ISO 3166 country code"), part);
    case MAR_GS1_LINT_NOT_ISO3166_ALPHA2:
      return g_strdup_printf (_("%s is not an ISO 3166 two-letter country code"), part);
    case MAR_GS1_LINT_NOT_ISO4217:
      return g_strdup_printf (_("%s is not an ISO 4217 currency code"), part);
    case MAR_GS1_LINT_LATITUDE_INVALID_LENGTH:
    case MAR_GS1_LINT_INVALID_LATITUDE:
      return g_strdup (_("the latitude is not valid"));
    case MAR_GS1_LINT_LONGITUDE_INVALID_LENGTH:
    case MAR_GS1_LINT_INVALID_LONGITUDE:
      return g_strdup (_("the longitude is not valid"));
    case MAR_GS1_LINT_INVALID_PERCENT_SEQUENCE:
      return g_strdup_printf (_("“%%” must be followed by two hexadecimal digits"));
    case MAR_GS1_LINT_INVALID_LENGTH_FOR_PIECE_OF_TOTAL:
      return g_strdup (_("the piece number and the total must have the same number of digits"));
    case MAR_GS1_LINT_ZERO_PIECE_NUMBER:
      return g_strdup (_("the piece number is zero"));
    case MAR_GS1_LINT_ZERO_TOTAL_PIECES:
      return g_strdup (_("the total number of pieces is zero"));
    case MAR_GS1_LINT_PIECE_NUMBER_EXCEEDS_TOTAL:
      return g_strdup (_("the piece number is greater than the total"));
    case MAR_GS1_LINT_POSITION_IN_SEQUENCE_MALFORMED:
      return g_strdup (_("it must be a position and a total separated by “/”"));
    case MAR_GS1_LINT_POSITION_EXCEEDS_END:
      return g_strdup (_("the position is greater than the total"));
    case MAR_GS1_LINT_IMPORTER_IDX_MUST_BE_ONE_CHARACTER:
      return g_strdup (_("the importer index must be one character"));
    case MAR_GS1_LINT_INVALID_MEDIA_TYPE:
      return g_strdup_printf (_("%s is not an AIDC media type"), part);
    case MAR_GS1_LINT_IBAN_TOO_SHORT:
      return g_strdup (_("the IBAN is too short"));
    case MAR_GS1_LINT_IBAN_TOO_LONG:
      return g_strdup (_("the IBAN is too long"));
    case MAR_GS1_LINT_ILLEGAL_IBAN_COUNTRY_CODE:
      return g_strdup (_("the IBAN does not start with a country code"));
    case MAR_GS1_LINT_INCORRECT_IBAN_CHECKSUM:
      return g_strdup (_("the IBAN check digits are wrong"));
    case MAR_GS1_LINT_UNKNOWN_LINTER:
      return g_strdup_printf (_("this version cannot check it (GS1 rule “%s”)"), name);

    case MAR_GS1_LINT_OK:
    case MAR_GS1_LINT_N_RESULTS:
    default:
      /* The coupon verdicts: coupons never reach a bedside. */
      return g_strdup_printf (_("the coupon data is not valid (%s)"), mar_gs1_lint_to_string (lint));
    }
}

/* ------------------------------------------------------------------------
 * Checking one value
 * ------------------------------------------------------------------------ */

/* Checks @len bytes of @value against the components of @ai in turn: each
 * takes as much as its length allows, an optional one may be absent once
 * the data is exhausted. Returns the bytes the components took (fewer
 * than @len when the value is too long for them), 0 after a rejection. */
static gsize
check_components (const MarGs1Ai *ai,
                  const char     *value,
                  gsize           len,
                  MarGs1Lint     *lint,
                  GError        **error)
{
  gsize at = 0;

  for (guint i = 0; i < ai->n_components; i++)
    {
      const Component *comp = &ai->components[i];
      gsize clen = MIN (len - at, (gsize) comp->max);
      LintFunc cset;
      MarGs1Lint r;
      gsize pos = 0, elen = 0;
      const char *failed = NULL;

      if (comp->optional && clen == 0)
        continue;
      if (clen < comp->min)
        {
          g_autofree char *reason = NULL;

          if (ai->n_components == 1)
            {
              set_length_error (error, ai, value, len);
              return 0;
            }
          reason = g_strdup_printf (_("too short: the part from character %zu needs %u characters and has %zu"),
                                    at + 1, (guint) comp->min, clen);
          set_element_error (error, MAR_BARCODE_ERROR_TRUNCATED, ai, value, len, reason);
          return 0;
        }

      switch (comp->cset)
        {
        case 'N': cset = lint_csetnumeric; break;
        case 'X': cset = lint_cset82; break;
        case 'Y': cset = lint_cset39; break;
        default: cset = lint_cset64; break;
        }
      r = cset (value + at, clen, &pos, &elen);
      for (guint l = 0; r == MAR_GS1_LINT_OK && l < comp->n_linters; l++)
        {
          failed = comp->linters[l].name;
          if (comp->linters[l].func == NULL)
            {
              r = MAR_GS1_LINT_UNKNOWN_LINTER;
              pos = 0;
              elen = clen;
            }
          else
            r = comp->linters[l].func (value + at, clen, &pos, &elen);
        }
      if (r != MAR_GS1_LINT_OK)
        {
          g_autofree char *reason = lint_reason (r, failed, value, len, at, clen, pos, elen);

          if (lint != NULL)
            *lint = r;
          set_element_error (error, error_code_for_lint (r), ai, value, len, reason);
          return 0;
        }
      at += clen;
    }
  return at;
}

static void
clear_element (gpointer data)
{
  MarGs1Element *element = data;

  g_clear_pointer (&element->value, g_free);
}

GArray *
mar_gs1_elements_new (void)
{
  GArray *elements = g_array_new (FALSE, TRUE, sizeof (MarGs1Element));

  g_array_set_clear_func (elements, clear_element);
  return elements;
}

const MarGs1Element *
mar_gs1_elements_find (GArray     *elements,
                       const char *code)
{
  g_return_val_if_fail (elements != NULL, NULL);
  g_return_val_if_fail (code != NULL, NULL);

  for (guint i = 0; i < elements->len; i++)
    {
      const MarGs1Element *e = &g_array_index (elements, MarGs1Element, i);

      if (strcmp (e->ai->code, code) == 0)
        return e;
    }
  return NULL;
}

static gboolean
check_room (GArray  *elements,
            GError **error)
{
  if (elements->len < MAR_GS1_MAX_ELEMENTS)
    return TRUE;
  g_set_error (error, MAR_BARCODE_ERROR, MAR_BARCODE_ERROR_TOO_LONG,
               _("The barcode holds more than %d GS1 elements."), MAR_GS1_MAX_ELEMENTS);
  return FALSE;
}

static void
append_element (GArray         *elements,
                const MarGs1Ai *ai,
                const char     *value,
                gsize           len)
{
  MarGs1Element element = { ai, g_strndup (value, len), len };

  g_array_append_val (elements, element);
}

/* A value known to be the whole value of @ai (bracketed, Digital Link):
 * its length is checked first, which says more than a linter would. */
static gboolean
add_whole_value (GArray         *elements,
                 const MarGs1Ai *ai,
                 const char     *value,
                 gsize           len,
                 MarGs1Lint     *lint,
                 GError        **error)
{
  gsize taken;

  if (!check_room (elements, error))
    return FALSE;
  if (len == 0)
    {
      set_empty_value_error (error, ai);
      return FALSE;
    }
  if (len < ai->min_length || len > ai->max_length)
    {
      set_length_error (error, ai, value, len);
      return FALSE;
    }
  if ((taken = check_components (ai, value, len, lint, error)) == 0)
    return FALSE;
  if (taken < len)
    {
      set_length_error (error, ai, value, len);
      return FALSE;
    }
  append_element (elements, ai, value, len);
  return TRUE;
}

gboolean
mar_gs1_elements_add (GArray      *elements,
                      const char  *code,
                      const char  *value,
                      gsize        len,
                      MarGs1Lint  *lint,
                      GError     **error)
{
  const MarGs1Ai *ai;

  g_return_val_if_fail (elements != NULL, FALSE);
  g_return_val_if_fail (code != NULL, FALSE);
  g_return_val_if_fail (value != NULL || len == 0, FALSE);

  if (lint != NULL)
    *lint = MAR_GS1_LINT_OK;
  if ((ai = mar_gs1_lookup_ai (code, strlen (code))) == NULL)
    {
      g_autofree char *shown = mar_gs1_printable (code, strlen (code));

      g_set_error (error, MAR_BARCODE_ERROR, MAR_BARCODE_ERROR_UNKNOWN_AI,
                   _("(%s) is not a GS1 Application Identifier."), shown);
      return FALSE;
    }
  return add_whole_value (elements, ai, value != NULL ? value : "", len, lint, error);
}

/* ------------------------------------------------------------------------
 * Element strings (GS1 General Specifications 7.8)
 * ------------------------------------------------------------------------ */

static void
set_unknown_ai_error (GError     **error,
                      const char  *data,
                      gsize        len,
                      gsize        pos)
{
  gsize digits = 0;

  while (pos + digits < len && digits < 4 && is_digit (data[pos + digits]))
    digits++;
  if (digits >= 2)
    {
      guint prefix = (guint) ((data[pos] - '0') * 10 + (data[pos + 1] - '0'));
      gsize shown = get_dictionary ()->prefix_length[prefix];
      g_autofree char *code = NULL;

      /* The first two digits of an AI tell its length (GS1 General
       * Specifications Figure 7.8.5-1): name the whole AI when known. */
      code = g_strndup (data + pos, shown >= 2 && shown <= digits ? shown : 2);
      g_set_error (error, MAR_BARCODE_ERROR, MAR_BARCODE_ERROR_UNKNOWN_AI,
                   _("(%s) at character %zu is not a GS1 Application Identifier."), code, pos + 1);
    }
  else if (pos + digits == len)
    g_set_error (error, MAR_BARCODE_ERROR, MAR_BARCODE_ERROR_TRUNCATED,
                 _("The barcode data ends in the middle of an Application Identifier."));
  else
    {
      g_autofree char *ch = describe_char_at (data, len, pos + digits);

      g_set_error (error, MAR_BARCODE_ERROR, MAR_BARCODE_ERROR_FORMAT,
                   _("An Application Identifier was expected at character %zu, not %s."),
                   pos + 1, ch);
    }
}

gboolean
mar_gs1_parse_element_string (GArray      *elements,
                              const char  *data,
                              gsize        len,
                              MarGs1Lint  *lint,
                              GError     **error)
{
  gsize pos = 0;

  g_return_val_if_fail (elements != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  if (lint != NULL)
    *lint = MAR_GS1_LINT_OK;
  if (len == 0)
    {
      g_set_error (error, MAR_BARCODE_ERROR, MAR_BARCODE_ERROR_TRUNCATED,
                   _("The GS1 barcode holds no data."));
      return FALSE;
    }

  while (pos < len)
    {
      const MarGs1Ai *ai = NULL;
      gsize ai_len, end, taken;

      if (data[pos] == '|')
        {
          /* The 2D component of a GS1 Composite follows the linear one. */
          if (elements->len > 0 && pos + 1 < len && data[pos + 1] == GS)
            pos += 2;
          else if (elements->len > 0 && len - pos >= 4 && memcmp (data + pos + 1, "]e0", 3) == 0)
            pos += 4;
          else
            {
              g_set_error (error, MAR_BARCODE_ERROR, MAR_BARCODE_ERROR_FORMAT,
                           _("Character %zu (“|”) is not allowed here."), pos + 1);
              return FALSE;
            }
          if (pos == len)
            {
              g_set_error (error, MAR_BARCODE_ERROR, MAR_BARCODE_ERROR_TRUNCATED,
                           _("The 2D component of the GS1 barcode is empty."));
              return FALSE;
            }
          continue;
        }
      if (data[pos] == GS)
        {
          g_set_error (error, MAR_BARCODE_ERROR, MAR_BARCODE_ERROR_FORMAT,
                       _("There is a GS1 separator (FNC1) where an Application Identifier should start, at character %zu."),
                       pos + 1);
          return FALSE;
        }

      for (ai_len = 2; ai_len <= 4 && pos + ai_len <= len; ai_len++)
        if ((ai = mar_gs1_lookup_ai (data + pos, ai_len)) != NULL)
          break;
      if (ai == NULL)
        {
          set_unknown_ai_error (error, data, len, pos);
          return FALSE;
        }
      pos += ai_len;

      /* A value runs to the next separator; one of pre-defined length
       * (GS1 General Specifications Figure 7.8.5-2) stops at its length,
       * with or without a separator after it. "|" is in no character set,
       * so it always ends a value. */
      end = pos;
      while (end < len && data[end] != GS && data[end] != '|')
        end++;
      if (ai->predefined && end - pos > ai->max_length)
        end = pos + ai->max_length;

      if (!check_room (elements, error))
        return FALSE;
      if (end == pos)
        {
          set_empty_value_error (error, ai);
          return FALSE;
        }
      if ((taken = check_components (ai, data + pos, end - pos, lint, error)) == 0)
        return FALSE;
      if (taken < end - pos)
        {
          /* Only an AI that needs FNC1 gets here: its value did not end
           * where its format does. */
          set_length_error (error, ai, data + pos, end - pos);
          return FALSE;
        }
      append_element (elements, ai, data + pos, taken);
      pos += taken;
      if (pos < len && data[pos] == GS)
        pos++;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------
 * The bracketed form (GS1 General Specifications 4.15, human readable)
 * ------------------------------------------------------------------------ */

gboolean
mar_gs1_parse_bracketed (GArray      *elements,
                         const char  *data,
                         gsize        len,
                         MarGs1Lint  *lint,
                         GError     **error)
{
  g_autoptr(GString) value = g_string_new (NULL);
  gsize pos = 0;

  g_return_val_if_fail (elements != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  if (lint != NULL)
    *lint = MAR_GS1_LINT_OK;
  if (len == 0)
    {
      g_set_error (error, MAR_BARCODE_ERROR, MAR_BARCODE_ERROR_TRUNCATED,
                   _("The GS1 barcode holds no data."));
      return FALSE;
    }

  while (pos < len)
    {
      const MarGs1Ai *ai;
      const char *close;
      gsize code_len;

      if (data[pos] == '|' && elements->len > 0 && pos + 1 < len && data[pos + 1] == '(')
        pos++;
      if (data[pos] != '(')
        {
          g_autofree char *ch = describe_char_at (data, len, pos);

          g_set_error (error, MAR_BARCODE_ERROR, MAR_BARCODE_ERROR_FORMAT,
                       _("An Application Identifier in brackets was expected at character %zu, not %s."),
                       pos + 1, ch);
          return FALSE;
        }
      close = memchr (data + pos + 1, ')', len - pos - 1);
      if (close == NULL)
        {
          g_set_error (error, MAR_BARCODE_ERROR, MAR_BARCODE_ERROR_FORMAT,
                       _("The Application Identifier at character %zu has no closing bracket."), pos + 1);
          return FALSE;
        }
      code_len = (gsize) (close - (data + pos + 1));
      if (code_len < 2 || code_len > 4 || !all_digits (data + pos + 1, code_len))
        {
          g_autofree char *shown = mar_gs1_printable (data + pos + 1, code_len);

          g_set_error (error, MAR_BARCODE_ERROR, MAR_BARCODE_ERROR_FORMAT,
                       _("“(%s)” at character %zu is not an Application Identifier: it must be 2 to 4 digits."),
                       shown, pos + 1);
          return FALSE;
        }
      if ((ai = mar_gs1_lookup_ai (data + pos + 1, code_len)) == NULL)
        {
          g_autofree char *shown = g_strndup (data + pos + 1, code_len);

          g_set_error (error, MAR_BARCODE_ERROR, MAR_BARCODE_ERROR_UNKNOWN_AI,
                       _("(%s) is not a GS1 Application Identifier."), shown);
          return FALSE;
        }

      /* The value runs to the next "(" that is not written "\(". */
      pos = (gsize) (close - data) + 1;
      g_string_truncate (value, 0);
      while (pos < len)
        {
          if (data[pos] == '\\' && pos + 1 < len && data[pos + 1] == '(')
            {
              g_string_append_c (value, '(');
              pos += 2;
              continue;
            }
          if (data[pos] == '(' || (data[pos] == '|' && pos + 1 < len && data[pos + 1] == '('))
            break;
          g_string_append_c (value, data[pos]);
          pos++;
        }
      if (!add_whole_value (elements, ai, value->str, value->len, lint, error))
        return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------
 * GS1 Digital Link URIs (GS1 Digital Link Standard 1.x, uncompressed)
 * ------------------------------------------------------------------------ */

gboolean
mar_gs1_is_digital_link (const char *data,
                         gsize       len)
{
  /* The scheme in lower case or in capitals; "HtTp://" is not taken for a
   * Digital Link (as the GS1 Syntax Engine does). */
  static const char * const schemes[] = { "https://", "http://", "HTTPS://", "HTTP://" };

  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (schemes); i++)
    {
      gsize n = strlen (schemes[i]);

      if (len >= n && memcmp (data, schemes[i], n) == 0)
        return TRUE;
    }
  return FALSE;
}

static gsize
scheme_length (const char *uri)
{
  return (uri[4] == 's' || uri[4] == 'S') ? 8 : 7;
}

/* RFC 3986 2: unreserved, reserved and "%". */
static gboolean
is_uri_char (guchar c)
{
  return g_ascii_isalnum (c) || (c != '\0' && strchr ("-._~:/?#[]@!$&'()*+,;=%", c) != NULL);
}

static gboolean
is_bad_host_char (guchar c)
{
  return strchr ("_~?#@!$&'()*+,;=%", c) != NULL;
}

/* Percent-decoding (RFC 3986 2.1); in a query "+" is a space. A "%" not
 * followed by two hex digits stays as it is (the character-set check of
 * the AI then decides). FALSE when it decodes to NUL. */
static gboolean
uri_unescape (const char *s,
              gsize       len,
              gboolean    query,
              GString    *out)
{
  g_string_truncate (out, 0);
  for (gsize i = 0; i < len; i++)
    {
      if (s[i] == '%' && i + 2 < len && g_ascii_isxdigit (s[i + 1]) && g_ascii_isxdigit (s[i + 2]))
        {
          char c = (char) (g_ascii_xdigit_value (s[i + 1]) * 16 + g_ascii_xdigit_value (s[i + 2]));

          if (c == '\0')
            return FALSE;
          g_string_append_c (out, c);
          i += 2;
        }
      else if (query && s[i] == '+')
        g_string_append_c (out, ' ');
      else
        g_string_append_c (out, s[i]);
    }
  return TRUE;
}

/* Is @path (key first) the primary key followed by some of its qualifiers,
 * in the order one of its dlpkey alternatives gives? */
static gboolean
is_valid_dl_path (const MarGs1Ai * const *path,
                  guint                   n)
{
  const MarGs1Ai *key = path[0];

  if (!key->dl_primary_key)
    return FALSE;
  if (n == 1)
    return TRUE;
  for (guint a = 0; key->dl_qualifiers[a] != NULL; a++)
    {
      char **qualifiers = key->dl_qualifiers[a];
      guint q = 0, i;

      for (i = 1; i < n; i++)
        {
          while (qualifiers[q] != NULL && strcmp (qualifiers[q], path[i]->code) != 0)
            q++;
          if (qualifiers[q] == NULL)
            break;
          q++;
        }
      if (i == n)
        return TRUE;
    }
  return FALSE;
}

static void
set_dl_error (GError          **error,
              MarBarcodeError   code,
              const char       *reason)
{
  /* TRANSLATORS: %s says why a web address is not a GS1 Digital Link. */
  g_set_error (error, MAR_BARCODE_ERROR, code, _("This web address is not a valid GS1 Digital Link: %s."), reason);
}

typedef struct
{
  gsize start;
  gsize len;
} Span;

gboolean
mar_gs1_parse_digital_link (GArray      *elements,
                            const char  *uri,
                            gsize        len,
                            MarGs1Lint  *lint,
                            GError     **error)
{
  g_autoptr(GArray) segments = g_array_new (FALSE, FALSE, sizeof (Span));
  g_autoptr(GString) value = g_string_new (NULL);
  const MarGs1Ai *path[MAR_GS1_MAX_ELEMENTS + 1] = { NULL };
  gsize p, host, path_start, path_end, end, query_start = 0;
  const char *mark;
  gssize key = -1;
  guint first, n_path;

  g_return_val_if_fail (elements != NULL, FALSE);
  g_return_val_if_fail (uri != NULL || len == 0, FALSE);

  if (lint != NULL)
    *lint = MAR_GS1_LINT_OK;
  for (gsize i = 0; i < len; i++)
    if (!is_uri_char ((guchar) uri[i]))
      {
        g_autofree char *ch = describe_char_at (uri, len, i);
        g_autofree char *reason = g_strdup_printf (_("character %zu (%s) is not allowed in a web address"),
                                                   char_number (uri, i), ch);

        set_dl_error (error, MAR_BARCODE_ERROR_FORMAT, reason);
        return FALSE;
      }
  if (!mar_gs1_is_digital_link (uri, len))
    {
      set_dl_error (error, MAR_BARCODE_ERROR_FORMAT, _("it must start with https:// or http://"));
      return FALSE;
    }

  /* Host (and port): up to the first "/", which starts the path. */
  host = p = scheme_length (uri);
  for (; p < len && uri[p] != '/'; p++)
    if (is_bad_host_char ((guchar) uri[p]))
      {
        g_autofree char *ch = describe_char_at (uri, len, p);
        g_autofree char *reason = g_strdup_printf (_("its host name holds %s"), ch);

        set_dl_error (error, MAR_BARCODE_ERROR_FORMAT, reason);
        return FALSE;
      }
  if (p == host || p == len)
    {
      set_dl_error (error, MAR_BARCODE_ERROR_FORMAT, _("it has no host name or no path"));
      return FALSE;
    }

  /* A fragment ends the data; a query ends the path. */
  path_start = p;
  mark = memchr (uri + path_start, '#', len - path_start);
  end = mark != NULL ? (gsize) (mark - uri) : len;
  mark = memchr (uri + path_start, '?', end - path_start);
  path_end = mark != NULL ? (gsize) (mark - uri) : end;
  if (mark != NULL)
    query_start = path_end + 1;

  for (gsize s = path_start + 1;;)
    {
      const char *slash = memchr (uri + s, '/', path_end - s);
      Span span = { s, slash != NULL ? (gsize) (slash - uri) - s : path_end - s };

      g_array_append_val (segments, span);
      if (slash == NULL)
        break;
      s = (gsize) (slash - uri) + 1;
    }

  /* The key is the rightmost "/AI/value" pair whose AI is a primary key,
   * with only "/AI/value" pairs after it; anything before is the stem. */
  for (gssize k = (gssize) segments->len - 2; k >= 0; k -= 2)
    {
      const Span *seg = &g_array_index (segments, Span, k);
      const MarGs1Ai *ai = mar_gs1_lookup_ai (uri + seg->start, seg->len);

      if (ai == NULL)
        break;
      if (ai->dl_primary_key)
        {
          key = k;
          break;
        }
    }
  if (key < 0)
    {
      set_dl_error (error, MAR_BARCODE_ERROR_FORMAT,
                    _("its path does not name a GS1 key such as /01/ followed by a GTIN"));
      return FALSE;
    }

  first = elements->len;
  for (guint k = (guint) key; k + 1 < segments->len; k += 2)
    {
      const Span *seg = &g_array_index (segments, Span, k);
      const Span *val = &g_array_index (segments, Span, k + 1);
      const MarGs1Ai *ai = mar_gs1_lookup_ai (uri + seg->start, seg->len);

      if (val->len == 0)
        {
          set_empty_value_error (error, ai);
          return FALSE;
        }
      if (!uri_unescape (uri + val->start, val->len, FALSE, value))
        {
          set_element_error (error, MAR_BARCODE_ERROR_BAD_CHARACTER, ai, uri + val->start, val->len,
                             _("it holds a NUL character"));
          return FALSE;
        }
      if (!add_whole_value (elements, ai, value->str, value->len, lint, error))
        return FALSE;
    }
  n_path = elements->len - first;

  /* Query: "AI=value" pairs are data attributes; other parameters (not
   * all digits, or without "=") belong to the web site and are ignored. */
  if (query_start > 0)
    {
      gsize q = query_start;

      while (q < end)
        {
          const char *amp = memchr (uri + q, '&', end - q);
          gsize param_end = amp != NULL ? (gsize) (amp - uri) : end;
          const char *eq = memchr (uri + q, '=', param_end - q);
          gsize key_len = eq != NULL ? (gsize) (eq - uri) - q : 0;
          gsize val_start = eq != NULL ? (gsize) (eq - uri) + 1 : 0;
          const MarGs1Ai *ai;

          if (eq != NULL && key_len > 0 && all_digits (uri + q, key_len))
            {
              if ((ai = mar_gs1_lookup_ai (uri + q, key_len)) == NULL)
                {
                  g_autofree char *code = g_strndup (uri + q, key_len);

                  g_set_error (error, MAR_BARCODE_ERROR, MAR_BARCODE_ERROR_UNKNOWN_AI,
                               _("The web address asks for (%s), which is not a GS1 Application Identifier."),
                               code);
                  return FALSE;
                }
              if (val_start == param_end)
                {
                  set_empty_value_error (error, ai);
                  return FALSE;
                }
              if (!uri_unescape (uri + val_start, param_end - val_start, TRUE, value))
                {
                  set_element_error (error, MAR_BARCODE_ERROR_BAD_CHARACTER, ai, uri + val_start,
                                     param_end - val_start, _("it holds a NUL character"));
                  return FALSE;
                }
              if (!add_whole_value (elements, ai, value->str, value->len, lint, error))
                return FALSE;
            }
          q = param_end + 1;
        }
    }

  /* The path: the key and its qualifiers in order (dlpkey=). */
  for (guint i = 0; i < n_path; i++)
    path[i] = g_array_index (elements, MarGs1Element, first + i).ai;
  if (!is_valid_dl_path (path, n_path))
    {
      g_autoptr(GString) shown = g_string_new (NULL);
      g_autofree char *reason = NULL;

      for (guint i = 0; i < n_path; i++)
        g_string_append_printf (shown, "/%s/…", path[i]->code);
      reason = g_strdup_printf (_("in its path %s the qualifiers do not belong to the key or are out of order"),
                                shown->str);
      set_dl_error (error, MAR_BARCODE_ERROR_FORMAT, reason);
      return FALSE;
    }

  /* Each AI once, even with the same value. */
  for (guint i = first; i < elements->len; i++)
    for (guint j = i + 1; j < elements->len; j++)
      {
        const MarGs1Element *a = &g_array_index (elements, MarGs1Element, i);
        const MarGs1Element *b = &g_array_index (elements, MarGs1Element, j);

        if (a->ai == b->ai)
          {
            g_set_error (error, MAR_BARCODE_ERROR, MAR_BARCODE_ERROR_DUPLICATE_AI,
                         _("%s (%s) appears twice in the web address."), mar_gs1_ai_get_name (a->ai), a->ai->code);
            return FALSE;
          }
      }

  /* Query attributes: allowed ones only ("?" flag), and never a qualifier
   * of the key, which must be in the path. */
  for (guint i = first + n_path; i < elements->len; i++)
    {
      const MarGs1Ai *ai = g_array_index (elements, MarGs1Element, i).ai;
      g_autofree char *reason = NULL;

      if (!ai->dl_attribute)
        {
          reason = g_strdup_printf (_("%s (%s) cannot be a query parameter"), mar_gs1_ai_get_name (ai), ai->code);
          set_dl_error (error, MAR_BARCODE_ERROR_FORMAT, reason);
          return FALSE;
        }
      for (guint at = 1; at <= n_path; at++)
        {
          const MarGs1Ai *trial[MAR_GS1_MAX_ELEMENTS + 1] = { NULL };

          memcpy (trial, path, at * sizeof path[0]);
          trial[at] = ai;
          memcpy (trial + at + 1, path + at, (n_path - at) * sizeof path[0]);
          if (is_valid_dl_path (trial, n_path + 1))
            {
              reason = g_strdup_printf (_("%s (%s) belongs in its path, not in its query"),
                                        mar_gs1_ai_get_name (ai), ai->code);
              set_dl_error (error, MAR_BARCODE_ERROR_FORMAT, reason);
              return FALSE;
            }
        }
    }
  return TRUE;
}

/* ------------------------------------------------------------------------
 * Rules over the whole scan
 * ------------------------------------------------------------------------ */

/* "31nn" matches 3100..3199: "n" is any digit. */
static gboolean
pattern_matches (const char *pattern,
                 gsize       len,
                 const char *code)
{
  if (strlen (code) != len)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (pattern[i] != code[i] && !(pattern[i] == 'n' && is_digit (code[i])))
      return FALSE;
  return TRUE;
}

/* An element matching @pattern other than those of @self's AI: "an AI is
 * not exclusive of itself even if it matches a pattern" (dictionary). */
static const MarGs1Element *
find_other (GArray         *elements,
            const char     *pattern,
            gsize           len,
            const MarGs1Ai *self)
{
  for (guint i = 0; i < elements->len; i++)
    {
      const MarGs1Element *e = &g_array_index (elements, MarGs1Element, i);

      if (e->ai != self && pattern_matches (pattern, len, e->ai->code))
        return e;
    }
  return NULL;
}

/* "01+21,02" → "(01) with (21) or (02)". */
static char *
describe_requirement (const char *list)
{
  g_auto(GStrv) groups = g_strsplit (list, ",", -1);
  GString *out = g_string_new (NULL);
  guint n = g_strv_length (groups);

  for (guint g = 0; g < n; g++)
    {
      g_auto(GStrv) members = g_strsplit (groups[g], "+", -1);

      if (g > 0)
        g_string_append (out, g + 1 == n ? _(" or ") : ", ");
      for (guint m = 0; members[m] != NULL; m++)
        {
          if (m > 0)
            g_string_append (out, _(" with "));
          g_string_append_printf (out, "(%s)", members[m]);
        }
    }
  return g_string_free (out, FALSE);
}

/* Is one group of @list ("01+21,02") wholly present? */
static gboolean
requirement_met (GArray         *elements,
                 const char     *list,
                 const MarGs1Ai *self)
{
  const char *group = list;

  while (*group != '\0')
    {
      const char *group_end = strchr (group, ',');
      const char *member = group;
      gboolean met = TRUE;

      if (group_end == NULL)
        group_end = group + strlen (group);
      while (member < group_end)
        {
          const char *member_end = memchr (member, '+', (gsize) (group_end - member));

          if (member_end == NULL)
            member_end = group_end;
          if (find_other (elements, member, (gsize) (member_end - member), self) == NULL)
            met = FALSE;
          member = member_end + (member_end < group_end);
        }
      if (met)
        return TRUE;
      group = group_end + (*group_end == ',');
    }
  return FALSE;
}

gboolean
mar_gs1_validate_associations (GArray  *elements,
                               GError **error)
{
  g_return_val_if_fail (elements != NULL, FALSE);

  /* The same AI twice (from two symbols on one label) must agree. */
  for (guint i = 0; i < elements->len; i++)
    for (guint j = i + 1; j < elements->len; j++)
      {
        const MarGs1Element *a = &g_array_index (elements, MarGs1Element, i);
        const MarGs1Element *b = &g_array_index (elements, MarGs1Element, j);

        if (a->ai == b->ai && (a->value_len != b->value_len || memcmp (a->value, b->value, a->value_len) != 0))
          {
            g_autofree char *va = mar_gs1_printable (a->value, a->value_len);
            g_autofree char *vb = mar_gs1_printable (b->value, b->value_len);

            g_set_error (error, MAR_BARCODE_ERROR, MAR_BARCODE_ERROR_DUPLICATE_AI,
                         _("%s (%s) appears twice with different values: %s and %s."),
                         mar_gs1_ai_get_name (a->ai), a->ai->code, va, vb);
            return FALSE;
          }
      }

  /* ex=: AIs that must not appear together. */
  for (guint i = 0; i < elements->len; i++)
    {
      const MarGs1Ai *ai = g_array_index (elements, MarGs1Element, i).ai;

      for (guint x = 0; ai->ex != NULL && ai->ex[x] != NULL; x++)
        {
          const char *pattern = ai->ex[x];

          while (*pattern != '\0')
            {
              const char *pattern_end = strchr (pattern, ',');
              const MarGs1Element *other;

              if (pattern_end == NULL)
                pattern_end = pattern + strlen (pattern);
              other = find_other (elements, pattern, (gsize) (pattern_end - pattern), ai);
              if (other != NULL)
                {
                  g_set_error (error, MAR_BARCODE_ERROR, MAR_BARCODE_ERROR_AI_ASSOCIATION,
                               _("%s (%s) and %s (%s) must not appear in the same barcode."),
                               mar_gs1_ai_get_name (ai), ai->code,
                               mar_gs1_ai_get_name (other->ai), other->ai->code);
                  return FALSE;
                }
              pattern = pattern_end + (*pattern_end == ',');
            }
        }
    }

  /* req=: AIs that are meaningless without another (each req= applies). */
  for (guint i = 0; i < elements->len; i++)
    {
      const MarGs1Ai *ai = g_array_index (elements, MarGs1Element, i).ai;

      for (guint r = 0; ai->req != NULL && ai->req[r] != NULL; r++)
        if (!requirement_met (elements, ai->req[r], ai))
          {
            g_autofree char *needed = describe_requirement (ai->req[r]);

            g_set_error (error, MAR_BARCODE_ERROR, MAR_BARCODE_ERROR_AI_ASSOCIATION,
                         _("%s (%s) needs %s in the same barcode."),
                         mar_gs1_ai_get_name (ai), ai->code, needed);
            return FALSE;
          }
    }

  /* A digital signature (8030) signs a serialised key: GDTI (253), GCN
   * (255) and GRAI (8003) must carry their optional serial component
   * (GS1 General Specifications 3.9.x, AI 8030). */
  if (mar_gs1_elements_find (elements, "8030") != NULL)
    {
      static const char * const keys[] = { "253", "255", "8003" };

      for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
        {
          const MarGs1Element *e = mar_gs1_elements_find (elements, keys[k]);

          if (e != NULL && e->value_len == e->ai->min_length)
            {
              g_set_error (error, MAR_BARCODE_ERROR, MAR_BARCODE_ERROR_AI_ASSOCIATION,
                           _("A digital signature (8030) needs a serialised key, but %s (%s) has no serial part."),
                           mar_gs1_ai_get_name (e->ai), e->ai->code);
              return FALSE;
            }
        }
    }
  return TRUE;
}

/* ------------------------------------------------------------------------
 * Writing elements back
 * ------------------------------------------------------------------------ */

char *
mar_gs1_elements_to_bracketed (GArray *elements)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (elements != NULL, NULL);

  for (guint i = 0; i < elements->len; i++)
    {
      const MarGs1Element *e = &g_array_index (elements, MarGs1Element, i);

      g_string_append_printf (out, "(%s)", e->ai->code);
      for (gsize c = 0; c < e->value_len; c++)
        {
          if (e->value[c] == '(')
            g_string_append_c (out, '\\');
          g_string_append_c (out, e->value[c]);
        }
    }
  return g_string_free (out, FALSE);
}

char *
mar_gs1_elements_to_element_string (GArray *elements)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (elements != NULL, NULL);

  for (guint i = 0; i < elements->len; i++)
    {
      const MarGs1Element *e = &g_array_index (elements, MarGs1Element, i);

      g_string_append (out, e->ai->code);
      g_string_append_len (out, e->value, (gssize) e->value_len);
      if (!e->ai->predefined && i + 1 < elements->len)
        g_string_append_c (out, GS);
    }
  return g_string_free (out, FALSE);
}
