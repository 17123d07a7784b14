// SPDX-License-Identifier: GPL-2.0
/*
 * Rate-limited kernel log lines for kwasm. The Rust printing macros have no
 * rate-limited form, and user space (or a program) decides how often these
 * lines happen.
 */
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/ratelimit.h>

void kwasm_warn_ratelimited(const char *msg, size_t len);
void kwasm_program_print(const char *name, size_t name_len, const char *msg,
			 size_t len);

static int clamp_len(size_t len)
{
	return (int)min_t(size_t, len, INT_MAX);
}

/* kwasm_warn_ratelimited() - print "kwasm: <msg>" at KERN_WARNING, rate limited. */
void kwasm_warn_ratelimited(const char *msg, size_t len)
{
	static DEFINE_RATELIMIT_STATE(kwasm_warn_rs, DEFAULT_RATELIMIT_INTERVAL,
				      DEFAULT_RATELIMIT_BURST);

	if (__ratelimit(&kwasm_warn_rs))
		pr_warn("kwasm: %.*s\n", clamp_len(len), msg);
}

/*
 * kwasm_program_print() - print "kwasm: <name>: <msg>" at KERN_INFO, for a
 * program's _debug(). At most 200 lines every 5 seconds from all programs.
 */
void kwasm_program_print(const char *name, size_t name_len, const char *msg,
			 size_t len)
{
	static DEFINE_RATELIMIT_STATE(kwasm_program_rs, 5 * HZ, 200);

	if (__ratelimit(&kwasm_program_rs))
		pr_info("kwasm: %.*s: %.*s\n", clamp_len(name_len), name,
			clamp_len(len), msg);
}
