/* mar-board-page.h — the unit board: every bed at a glance
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "mar-terminal.h"

G_BEGIN_DECLS

#define MAR_TYPE_BOARD_PAGE (mar_board_page_get_type ())
G_DECLARE_FINAL_TYPE (MarBoardPage, mar_board_page, MAR, BOARD_PAGE, GtkWidget)

GtkWidget  *mar_board_page_new         (MarTerminal  *terminal);
/* Reads the board again (mar_patient_summary_list_unit()). */
void        mar_board_page_refresh     (MarBoardPage *self);
guint       mar_board_page_get_n_beds  (MarBoardPage *self);
/* (transfer none) The row of a patient, or NULL. */
GtkWidget  *mar_board_page_get_row     (MarBoardPage *self,
                                        const char   *patient_id);

G_END_DECLS
