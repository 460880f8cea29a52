// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of libshared_map's pure parts and the smap command line
 * parser: no kernel needed. Prints one line per failed check; exit 1 if any.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/genl/genl.h>
#include "internal.h"
#include "cli.h"
#include "test/check.h"

#define ARGV(...) ((char *[]){ "smap", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ "smap", __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(c, ...) smap_cli_parse(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), (c), err, sizeof(err))

static char err[256];

static void test_mode(void)
{
	unsigned int m = 12345;

	CHECK(smap_parse_mode("644", &m) == 0 && m == 0644);
	CHECK(smap_parse_mode("0600", &m) == 0 && m == 0600);
	CHECK(smap_parse_mode("0", &m) == 0 && m == 0);
	CHECK(smap_parse_mode("777", &m) == 0 && m == 0777);
	CHECK(smap_parse_mode("rw-r--r--", &m) == 0 && m == 0644);
	CHECK(smap_parse_mode("rwx------", &m) == 0 && m == 0700);
	CHECK(smap_parse_mode("---------", &m) == 0 && m == 0);
	m = 1;
	CHECK(smap_parse_mode("1000", &m) < 0 && errno == EINVAL && m == 1);
	CHECK(smap_parse_mode("8", &m) < 0 && errno == EINVAL);
	CHECK(smap_parse_mode("", &m) < 0);
	CHECK(smap_parse_mode("0o644", &m) < 0);
	CHECK(smap_parse_mode("-644", &m) < 0);
	CHECK(smap_parse_mode("rw-rw-rwz", &m) < 0);
	CHECK(smap_parse_mode("wr-------", &m) < 0);
	CHECK(smap_parse_mode("00644", &m) < 0);
}

static void test_i64(void)
{
	int64_t v = 0;

	CHECK(smap_parse_i64("0", &v) == 0 && v == 0);
	CHECK(smap_parse_i64("-5", &v) == 0 && v == -5);
	CHECK(smap_parse_i64("+7", &v) == 0 && v == 7);
	CHECK(smap_parse_i64("9223372036854775807", &v) == 0 && v == INT64_MAX);
	CHECK(smap_parse_i64("-9223372036854775808", &v) == 0 && v == INT64_MIN);
	CHECK(smap_parse_i64("9223372036854775808", &v) < 0 && errno == ERANGE);
	CHECK(smap_parse_i64("12x", &v) < 0 && errno == EINVAL);
	CHECK(smap_parse_i64("", &v) < 0 && errno == EINVAL);
	CHECK(smap_parse_i64(" 1", &v) < 0 && errno == EINVAL);
	CHECK(smap_parse_i64("0x10", &v) < 0);
}

static void test_errmsg(void)
{
	struct smap_limits lim = {
		.key_max = 1024, .value_max = 1048576, .xfer_max = 1048576,
		.max_bytes = 67108864,
	};
	struct smap_limits nl = lim;
	char b[256];
	static const int errs[] = {
		ENOENT, EACCES, EPERM, EMSGSIZE, ENAMETOOLONG, ENOSPC,
		ECANCELED, EROFS, ERANGE, EINVAL, ENOMEM, EIO, ENOTTY, E2BIG,
	};

	nl.xfer_max = SMAP_NL_VALUE_MAX;
	CHECK(!strcmp(smap_errmsg(SMAP_OP_SET, EMSGSIZE, &lim, b, sizeof(b)),
		      "value too large (max 1048576 bytes)"));
	CHECK(!strcmp(smap_errmsg(SMAP_OP_SET, EMSGSIZE, &nl, b, sizeof(b)),
		      "value too large for netlink (max 65000 bytes; use the ioctl transport)"));
	CHECK(!strcmp(smap_errmsg(SMAP_OP_SET, EMSGSIZE, NULL, b, sizeof(b)),
		      "value too large"));
	CHECK(!strcmp(smap_errmsg(SMAP_OP_SET, ENAMETOOLONG, &lim, b, sizeof(b)),
		      "key too long (max 1024 bytes)"));
	lim.key_max = 16;
	CHECK(!strcmp(smap_errmsg(SMAP_OP_GET, ENAMETOOLONG, &lim, b, sizeof(b)),
		      "key too long (max 16 bytes)"));
	CHECK(!strcmp(smap_errmsg(SMAP_OP_SET, ENOSPC, &lim, b, sizeof(b)),
		      "store full (max_bytes 67108864)"));
	CHECK(!strcmp(smap_errmsg(SMAP_OP_SET, ENOSPC, NULL, b, sizeof(b)),
		      "store full (max_bytes)"));
	CHECK(!strcmp(smap_errmsg(SMAP_OP_SET, EEXIST, &lim, b, sizeof(b)),
		      "key exists"));
	CHECK(!strcmp(smap_errmsg(SMAP_OP_SET, EDQUOT, NULL, b, sizeof(b)),
		      "quota exceeded (user_max_bytes)"));
	lim.user_max_bytes = 4096;
	CHECK(!strcmp(smap_errmsg(SMAP_OP_INCR, EDQUOT, &lim, b, sizeof(b)),
		      "quota exceeded (user_max_bytes 4096: what the keys of one owner may cost)"));
	CHECK(!strcmp(smap_errmsg(SMAP_OP_GET, EACCES, &lim, b, sizeof(b)),
		      "permission denied"));
	CHECK(!strcmp(smap_errmsg(SMAP_OP_GET, ENOENT, &lim, b, sizeof(b)),
		      "key not found"));
	CHECK(!strcmp(smap_errmsg(SMAP_OP_CAS, ECANCELED, &lim, b, sizeof(b)),
		      "value differs"));
	CHECK(!strcmp(smap_errmsg(SMAP_OP_INCR, EINVAL, &lim, b, sizeof(b)),
		      "value is not an integer"));
	CHECK(!strcmp(smap_errmsg(SMAP_OP_INCR, ERANGE, &lim, b, sizeof(b)),
		      "integer overflow"));
	CHECK(!strcmp(smap_errmsg(SMAP_OP_SET, EROFS, &lim, b, sizeof(b)),
		      "store is read-only after an I/O error"));
	CHECK(!strcmp(smap_errmsg(-1, ENOENT, NULL, b, sizeof(b)),
		      "/dev/shared_map: No such file or directory (is the module loaded? try: modprobe shared_map)"));
	CHECK(strstr(smap_errmsg(-1, EPROTONOSUPPORT, NULL, b, sizeof(b)),
		     "netlink family shared_map not found"));
	/* every ABI errno has a message of one line */
	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		smap_errmsg(SMAP_OP_SET, errs[i], &lim, b, sizeof(b));
		CHECK(b[0] && !strchr(b, '\n'));
		CHECK(smap_strerror(errs[i])[0]);
	}
	/* truncation is safe */
	smap_errmsg(SMAP_OP_SET, EMSGSIZE, &lim, b, 8);
	CHECK(strlen(b) == 7);
	CHECK(!strcmp(smap_op_name(SMAP_OP_INCR), "incr"));
	CHECK(!strcmp(smap_op_name(-1), "open"));
}

static void test_list_records(void)
{
	char buf[64];
	size_t off = 0, kl;
	const void *k;

	CHECK(smap_list_encode(buf, sizeof(buf), &off, "a", 1) == 0 && off == 8);
	CHECK(smap_list_encode(buf, sizeof(buf), &off, "abcd", 4) == 0 && off == 16);
	CHECK(smap_list_encode(buf, sizeof(buf), &off, "x\0y", 3) == 0 && off == 24);
	CHECK(smap_list_encode(buf, sizeof(buf), &off, "", 0) < 0 && errno == EINVAL);
	CHECK(smap_list_encode(buf, 30, &off, "toolong", 7) < 0 && errno == ENOSPC && off == 24);
	/* the layout is the module's: u32 len, bytes, zero pad to 4 */
	CHECK(*(uint32_t *)buf == 1 && buf[4] == 'a' && !buf[5] && !buf[6] && !buf[7]);
	CHECK(*(uint32_t *)(buf + 8) == 4 && !memcmp(buf + 12, "abcd", 4));

	size_t used = off;
	off = 0;
	CHECK(smap_list_decode(buf, used, &off, &k, &kl) == 1 && kl == 1 && !memcmp(k, "a", 1));
	CHECK(smap_list_decode(buf, used, &off, &k, &kl) == 1 && kl == 4 && !memcmp(k, "abcd", 4));
	CHECK(smap_list_decode(buf, used, &off, &k, &kl) == 1 && kl == 3 && !memcmp(k, "x\0y", 3));
	CHECK(smap_list_decode(buf, used, &off, &k, &kl) == 0);
	/* malformed: length past the end, zero length, short header */
	uint32_t bad = 100;
	memcpy(buf, &bad, 4);
	off = 0;
	CHECK(smap_list_decode(buf, 24, &off, &k, &kl) < 0 && errno == EBADMSG);
	bad = 0;
	memcpy(buf, &bad, 4);
	off = 0;
	CHECK(smap_list_decode(buf, 24, &off, &k, &kl) < 0);
	off = 0;
	CHECK(smap_list_decode(buf, 3, &off, &k, &kl) < 0);
	/* last record without its padding */
	off = 0;
	CHECK(smap_list_encode(buf, sizeof(buf), &off, "abc", 3) == 0);
	off = 0;
	CHECK(smap_list_decode(buf, 7, &off, &k, &kl) == 1 && kl == 3 && off == 7);
	CHECK(smap_list_decode(buf, 7, &off, &k, &kl) == 0);
}

static void test_batch(void)
{
	struct smap_batch_builder *b = smap_batch_new();
	const struct smap_batch_op *op;
	const char *p;
	size_t len;
	int e, st;
	int64_t arg;

	CHECK(b && smap_batch_count(b) == 0);
	CHECK(smap_batch_set(b, "key", 3, "value", 5, 0600) == 0);
	CHECK(smap_batch_del(b, "k2", 2) == 0);
	CHECK(smap_batch_incr(b, "ctr", 3, -42) == 0);
	CHECK(smap_batch_set(b, "", 0, "v", 1, 0) < 0 && errno == EINVAL);
	CHECK(smap_batch_set(b, "k", 1, "v", 1, 01000) < 0 && errno == EINVAL);
	CHECK(smap_batch_set(b, "k", 1, "v", SMAP_VALUE_MAX + 1, 0) < 0 && errno == EMSGSIZE);
	CHECK(smap_batch_set_flags(b, "k", 1, "v", 1, 0, 4) < 0 && errno == EINVAL);
	CHECK(smap_batch_count(b) == 3);
	p = smap_batch_data(b, &len);
	/* 32-byte headers; entries padded to 8 */
	CHECK(sizeof(struct smap_batch_op) == 32);
	CHECK(len == 40 + 40 + 40);
	op = (const void *)p;
	CHECK(op->op == SMAP_OP_SET && op->flags == SMAP_F_MODE && op->mode == 0600 &&
	      op->key_len == 3 && op->value_len == 5 && op->error == 0);
	CHECK(!memcmp(p + 32, "keyvalue", 8));
	op = (const void *)(p + 40);
	CHECK(op->op == SMAP_OP_DEL && op->flags == 0 && op->key_len == 2 && op->value_len == 0);
	CHECK(!memcmp(p + 72, "k2\0\0\0\0\0\0", 8));
	op = (const void *)(p + 80);
	CHECK(op->op == SMAP_OP_INCR && op->arg == -42 && op->key_len == 3);
	CHECK(len % SMAP_BATCH_ALIGN == 0);
	/* an exclusive create: SMAP_F_EXCL, with or without a mode */
	CHECK(smap_batch_set_flags(b, "x", 1, "v", 1, 0, SMAP_SET_EXCL) == 0);
	CHECK(smap_batch_set_flags(b, "y", 1, "v", 1, 0640, SMAP_SET_EXCL) == 0);
	p = smap_batch_data(b, &len);
	op = (const void *)(p + 120);
	CHECK(op->op == SMAP_OP_SET && op->flags == SMAP_F_EXCL && op->mode == 0);
	op = (const void *)(p + 160);
	CHECK(op->flags == (SMAP_F_EXCL | SMAP_F_MODE) && op->mode == 0640);
	/* results are read back from the headers */
	((struct smap_batch_op *)(void *)(p + 80))->error = -ERANGE;
	((struct smap_batch_op *)(void *)(p + 80))->arg = 7;
	CHECK(smap_batch_result(b, 2, &e, &st, &arg) == 0 && e == ERANGE && arg == 7);
	CHECK(smap_batch_result(b, 5, &e, &st, &arg) < 0 && errno == EINVAL);
	/* many entries grow the buffer */
	smap_batch_reset(b);
	for (int i = 0; i < 1000; i++) {
		char k[16];
		int n = snprintf(k, sizeof(k), "k%d", i);

		CHECK(smap_batch_set(b, k, (size_t)n, "0123456789", 10, 0) == 0);
	}
	p = smap_batch_data(b, &len);
	CHECK(smap_batch_count(b) == 1000);
	op = (const void *)(p + 999 * 48);	/* 32 + 4..5 + 10 -> 48 */
	CHECK(len == 10 * 48 + 90 * 48 + 900 * 48);
	CHECK(op->key_len == 4 && !memcmp(op + 1, "k999", 4));
	/* incr with the mode of a key it creates */
	smap_batch_reset(b);
	CHECK(smap_batch_incr_mode(b, "c", 1, 5, 0640) == 0);
	CHECK(smap_batch_incr_mode(b, "c", 1, 5, 01000) < 0 && errno == EINVAL);
	op = smap_batch_data(b, &len);
	CHECK(smap_batch_count(b) == 1 && op->op == SMAP_OP_INCR && op->arg == 5 &&
	      op->flags == SMAP_F_MODE && op->mode == 0640);
	smap_batch_free(b);
}

static struct nlattr *attr(struct nlattr **tb, int t)
{
	return tb[t];
}

static void test_netlink(void)
{
	struct smap_nl_req rq = {
		.key = "key", .klen = 3, .val = "v\0al", .vlen = 4,
		.has_val = true, .mode = 0600, .has_mode = true,
	};
	struct nlattr *tb[SMAP_A_MAX + 1];
	struct nl_msg *m = smap_nl_build(42, SMAP_CMD_SET, NLM_F_ACK, &rq);
	struct nlmsghdr *nh;
	struct genlmsghdr *gh;
	static char big[SMAP_NL_VALUE_MAX + 1];

	CHECK(m != NULL);
	if (!m)
		return;
	nh = nlmsg_hdr(m);
	gh = nlmsg_data(nh);
	CHECK(nh->nlmsg_type == 42 && (nh->nlmsg_flags & NLM_F_ACK));
	CHECK(gh->cmd == SMAP_CMD_SET && gh->version == SMAP_GENL_VERSION && gh->reserved == 0);
	CHECK(genlmsg_parse(nh, 0, tb, SMAP_A_MAX, NULL) == 0);
	CHECK(attr(tb, SMAP_A_KEY) && nla_len(tb[SMAP_A_KEY]) == 3 &&
	      !memcmp(nla_data(tb[SMAP_A_KEY]), "key", 3));
	CHECK(attr(tb, SMAP_A_VALUE) && nla_len(tb[SMAP_A_VALUE]) == 4 &&
	      !memcmp(nla_data(tb[SMAP_A_VALUE]), "v\0al", 4));
	CHECK(attr(tb, SMAP_A_MODE) && nla_get_u32(tb[SMAP_A_MODE]) == 0600);
	CHECK(!tb[SMAP_A_DELTA] && !tb[SMAP_A_OLD_VALUE] && !tb[SMAP_A_PREFIX]);
	CHECK(!tb[SMAP_A_FLAGS]);
	nlmsg_free(m);

	/* an exclusive create carries SMAP_A_FLAGS */
	rq = (struct smap_nl_req){ .key = "k", .klen = 1, .val = "v", .vlen = 1,
				   .has_val = true, .flags = SMAP_SET_EXCL };
	m = smap_nl_build(42, SMAP_CMD_SET, NLM_F_ACK, &rq);
	CHECK(m && genlmsg_parse(nlmsg_hdr(m), 0, tb, SMAP_A_MAX, NULL) == 0);
	CHECK(tb[SMAP_A_FLAGS] && nla_get_u32(tb[SMAP_A_FLAGS]) == SMAP_F_EXCL);
	nlmsg_free(m);

	/* a staged piece: offset, total, the bytes in parts of its kind */
	static char piece[70000];

	rq = (struct smap_nl_req){ .val = piece, .vlen = sizeof(piece),
				   .stage_part = SMAP_A_OLD_VALUE_PART,
				   .stage_off = 65536, .stage_total = 200000 };
	m = smap_nl_build(42, SMAP_CMD_STAGE, NLM_F_ACK, &rq);
	CHECK(m && genlmsg_parse(nlmsg_hdr(m), 0, tb, SMAP_A_MAX, NULL) == 0);
	CHECK(tb[SMAP_A_STAGE_OFFSET] && nla_get_u32(tb[SMAP_A_STAGE_OFFSET]) == 65536);
	CHECK(tb[SMAP_A_STAGE_TOTAL] && nla_get_u32(tb[SMAP_A_STAGE_TOTAL]) == 200000);
	CHECK(tb[SMAP_A_OLD_VALUE_PART] && !tb[SMAP_A_VALUE] &&
	      !tb[SMAP_A_VALUE_PART] && !tb[SMAP_A_KEY] && !tb[SMAP_A_STAGED]);
	{
		struct nlattr *a;
		size_t n = 0;
		int rem, parts = 0;

		nlmsg_for_each_attr(a, nlmsg_hdr(m), GENL_HDRLEN, rem) {
			parts += nla_type(a) == SMAP_A_OLD_VALUE_PART;
			n += nla_type(a) == SMAP_A_OLD_VALUE_PART ?
			     (size_t)nla_len(a) : 0;
		}
		CHECK(parts == 2 && n == 70000);
	}
	nlmsg_free(m);
	/* an empty piece is one empty part; the set applying them names them */
	rq = (struct smap_nl_req){ .val = "", .vlen = 0,
				   .stage_part = SMAP_A_VALUE_PART };
	m = smap_nl_build(42, SMAP_CMD_STAGE, NLM_F_ACK, &rq);
	CHECK(m && genlmsg_parse(nlmsg_hdr(m), 0, tb, SMAP_A_MAX, NULL) == 0 &&
	      tb[SMAP_A_VALUE_PART] && nla_len(tb[SMAP_A_VALUE_PART]) == 0);
	nlmsg_free(m);
	rq = (struct smap_nl_req){ .key = "k", .klen = 1,
				   .staged = SMAP_STAGED_VALUE | SMAP_STAGED_OLD };
	m = smap_nl_build(42, SMAP_CMD_CAS, NLM_F_ACK, &rq);
	CHECK(m && genlmsg_parse(nlmsg_hdr(m), 0, tb, SMAP_A_MAX, NULL) == 0);
	CHECK(tb[SMAP_A_STAGED] && nla_get_u32(tb[SMAP_A_STAGED]) == 3 &&
	      !tb[SMAP_A_VALUE] && !tb[SMAP_A_OLD_VALUE] && tb[SMAP_A_KEY]);
	nlmsg_free(m);

	/* incr: delta as s64; no mode attribute for the default */
	rq = (struct smap_nl_req){ .key = "c", .klen = 1, .delta = -3, .has_delta = true };
	m = smap_nl_build(42, SMAP_CMD_INCR, NLM_F_ACK, &rq);
	CHECK(m && genlmsg_parse(nlmsg_hdr(m), 0, tb, SMAP_A_MAX, NULL) == 0);
	CHECK(tb[SMAP_A_DELTA] && nla_len(tb[SMAP_A_DELTA]) == 8 &&
	      (int64_t)nla_get_u64(tb[SMAP_A_DELTA]) == -3);
	CHECK(!tb[SMAP_A_MODE] && !tb[SMAP_A_VALUE]);
	nlmsg_free(m);

	/* an empty value is still sent (set k "") */
	rq = (struct smap_nl_req){ .key = "e", .klen = 1, .val = "", .vlen = 0, .has_val = true };
	m = smap_nl_build(42, SMAP_CMD_SET, 0, &rq);
	CHECK(m && genlmsg_parse(nlmsg_hdr(m), 0, tb, SMAP_A_MAX, NULL) == 0);
	CHECK(tb[SMAP_A_VALUE] && nla_len(tb[SMAP_A_VALUE]) == 0);
	nlmsg_free(m);

	/* the largest value fits; one more byte is EMSGSIZE */
	rq = (struct smap_nl_req){ .key = "b", .klen = 1, .val = big,
				   .vlen = SMAP_NL_VALUE_MAX, .has_val = true };
	m = smap_nl_build(42, SMAP_CMD_SET, 0, &rq);
	CHECK(m && genlmsg_parse(nlmsg_hdr(m), 0, tb, SMAP_A_MAX, NULL) == 0 &&
	      tb[SMAP_A_VALUE] && nla_len(tb[SMAP_A_VALUE]) == SMAP_NL_VALUE_MAX);
	nlmsg_free(m);
	rq.vlen++;
	CHECK(smap_nl_build(42, SMAP_CMD_SET, 0, &rq) == NULL && errno == EMSGSIZE);
	rq = (struct smap_nl_req){ .key = big, .klen = SMAP_KEY_MAX + 1 };
	CHECK(smap_nl_build(42, SMAP_CMD_GET, 0, &rq) == NULL && errno == ENAMETOOLONG);

	/* to a kernel that takes parts: a long value in SMAP_A_VALUE_PARTs */
	{
		static char huge[3 * SMAP_NL_VALUE_MAX + 7];
		struct nlattr *a;
		size_t off = 0;
		int rem, parts = 0, whole = 0;

		for (size_t i = 0; i < sizeof(huge); i++)
			huge[i] = (char)(i * 7);
		rq = (struct smap_nl_req){ .key = "h", .klen = 1, .val = huge,
					   .vlen = sizeof(huge), .has_val = true,
					   .parts = true };
		m = smap_nl_build(42, SMAP_CMD_SET, 0, &rq);
		CHECK(m != NULL);
		nh = m ? nlmsg_hdr(m) : NULL;
		if (nh) {
			nla_for_each_attr(a, genlmsg_attrdata(nlmsg_data(nh), 0),
					  genlmsg_attrlen(nlmsg_data(nh), 0), rem) {
				whole += nla_type(a) == SMAP_A_VALUE;
				if (nla_type(a) != SMAP_A_VALUE_PART)
					continue;
				parts++;
				CHECK(nla_len(a) <= SMAP_NL_VALUE_MAX &&
				      off + (size_t)nla_len(a) <= sizeof(huge) &&
				      !memcmp(nla_data(a), huge + off, (size_t)nla_len(a)));
				off += (size_t)nla_len(a);
			}
			CHECK(parts == 4 && !whole && off == sizeof(huge));
			/* the same attributes in a reply parse back whole */
			nh->nlmsg_type = 42;
			struct smap_nl_reply hr = { 0 };
			CHECK(smap_nl_parse(m, &hr) == 0 && hr.has_val &&
			      hr.vlen == sizeof(huge) &&
			      !memcmp(hr.val, huge, sizeof(huge)));
			smap_nl_reply_free(&hr);
		}
		nlmsg_free(m);
		/* a short value stays one SMAP_A_VALUE (what old modules read) */
		rq.vlen = 10;
		m = smap_nl_build(42, SMAP_CMD_SET, 0, &rq);
		CHECK(m && genlmsg_parse(nlmsg_hdr(m), 0, tb, SMAP_A_MAX, NULL) == 0 &&
		      tb[SMAP_A_VALUE] && !tb[SMAP_A_VALUE_PART]);
		nlmsg_free(m);
		/* a get asks for parts with an empty one */
		rq = (struct smap_nl_req){ .key = "h", .klen = 1, .parts = true };
		m = smap_nl_build(42, SMAP_CMD_GET, 0, &rq);
		CHECK(m && genlmsg_parse(nlmsg_hdr(m), 0, tb, SMAP_A_MAX, NULL) == 0 &&
		      tb[SMAP_A_VALUE_PART] && nla_len(tb[SMAP_A_VALUE_PART]) == 0);
		nlmsg_free(m);
	}

	/* parsing a reply as the kernel sends it */
	m = nlmsg_alloc();
	genlmsg_put(m, 1, 1, 42, 0, 0, SMAP_CMD_REPLY, 1);
	nla_put(m, SMAP_A_VALUE, 5, "hello");
	nla_put_u32(m, SMAP_A_MODE, 0640);
	nla_put_u32(m, SMAP_A_UID, 1000);
	nla_put_u32(m, SMAP_A_GID, 100);
	nla_put_u32(m, SMAP_A_STATUS, SMAP_ST_CREATED);
	nla_put_s64(m, SMAP_A_RESULT, -99);
	struct smap_nl_reply rp = { 0 };
	CHECK(smap_nl_parse(m, &rp) == 0);
	CHECK(rp.has_val && rp.vlen == 5 && !memcmp(rp.val, "hello", 6));
	CHECK(rp.mode == 0640 && rp.uid == 1000 && rp.gid == 100 &&
	      rp.status == SMAP_ST_CREATED && rp.has_result && rp.result == -99);
	smap_nl_reply_free(&rp);
	nlmsg_free(m);

	/* a dump: keys collected in list-record format */
	struct smap_nl_reply lr = { .listing = true };
	const char *keys[] = { "alpha", "b", "key\0nul" };
	size_t kls[] = { 5, 1, 7 };
	for (int i = 0; i < 3; i++) {
		m = nlmsg_alloc();
		genlmsg_put(m, 1, 1, 42, 0, NLM_F_MULTI, SMAP_CMD_REPLY, 1);
		nla_put(m, SMAP_A_KEY, (int)kls[i], keys[i]);
		CHECK(smap_nl_parse(m, &lr) == 0);
		nlmsg_free(m);
	}
	size_t off = 0, kl;
	const void *k;
	for (int i = 0; i < 3; i++)
		CHECK(smap_list_decode(lr.lbuf, lr.lused, &off, &k, &kl) == 1 &&
		      kl == kls[i] && !memcmp(k, keys[i], kl));
	CHECK(smap_list_decode(lr.lbuf, lr.lused, &off, &k, &kl) == 0);
	/* a dump message without a key is malformed */
	m = nlmsg_alloc();
	genlmsg_put(m, 1, 1, 42, 0, NLM_F_MULTI, SMAP_CMD_REPLY, 1);
	CHECK(smap_nl_parse(m, &lr) < 0 && errno == EBADMSG);
	nlmsg_free(m);
	smap_nl_reply_free(&lr);

	/* stats: a shorter (older) struct is zero-extended */
	struct smap_stats st;
	memset(&st, 0, sizeof(st));
	st.keys = 3;
	st.bytes = 77;
	m = nlmsg_alloc();
	genlmsg_put(m, 1, 1, 42, 0, 0, SMAP_CMD_REPLY, 1);
	nla_put(m, SMAP_A_STATS, 16, &st);
	struct smap_nl_reply sr = { 0 };
	memset(&sr.stats, 0xff, sizeof(sr.stats));
	CHECK(smap_nl_parse(m, &sr) == 0 && sr.has_stats && sr.stats.keys == 3 &&
	      sr.stats.bytes == 77 && sr.stats.max_bytes == 0 && sr.stats.fsyncs == 0);
	nlmsg_free(m);
}

static void test_cli(void)
{
	struct smap_cli c;

	CHECK(PARSE(&c, "set", "k", "v") == 0 && c.cmd == CLI_SET &&
	      !strcmp(c.key, "k") && !strcmp(c.value, "v") && c.mode == 0 &&
	      c.transport == SMAP_TRANSPORT_IOCTL);
	CHECK(PARSE(&c, "--netlink", "set", "--mode", "0600", "k", "-") == 0 &&
	      c.transport == SMAP_TRANSPORT_NETLINK && c.mode == 0600 &&
	      !strcmp(c.value, "-"));
	CHECK(PARSE(&c, "set", "--mode=rw-r-----", "k", "v") == 0 && c.mode == 0640);
	CHECK(PARSE(&c, "set", "--mode", "9", "k", "v") < 0 && strstr(err, "bad mode"));
	CHECK(PARSE(&c, "set", "--mode") < 0 && strstr(err, "needs a MODE"));
	CHECK(PARSE(&c, "set", "k") < 0 && !strcmp(err, "set: missing arguments (usage: smap set [--new] [--mode MODE] KEY VALUE)"));
	CHECK(PARSE(&c, "set", "k", "v") == 0 && !c.excl);
	CHECK(PARSE(&c, "set", "--new", "--mode", "600", "k", "v") == 0 && c.excl &&
	      c.mode == 0600 && !strcmp(c.key, "k"));
	CHECK(PARSE(&c, "batch", "--new") == 0 && c.excl && c.cmd == CLI_BATCH);
	CHECK(PARSE(&c, "incr", "--new", "k") < 0 && strstr(err, "unknown option '--new'"));
	CHECK(PARSE(&c, "get", "--new", "k") < 0);
	CHECK(PARSE(&c, "set", "k", "v", "x") < 0 && strstr(err, "too many"));
	CHECK(PARSE(&c, "get", "k") == 0 && c.cmd == CLI_GET && !strcmp(c.name, "get"));
	CHECK(PARSE(&c, "get", "") < 0 && strstr(err, "empty KEY"));
	CHECK(PARSE(&c, "get", "--", "-k") == 0 && !strcmp(c.key, "-k"));
	CHECK(PARSE(&c, "get", "--mode", "600", "k") < 0);
	CHECK(PARSE(&c, "del", "k") == 0 && c.cmd == CLI_DEL);
	CHECK(PARSE(&c, "incr", "n") == 0 && c.cmd == CLI_INCR && c.delta == 1);
	CHECK(PARSE(&c, "incr", "n", "-5") == 0 && c.delta == -5);
	CHECK(PARSE(&c, "incr", "n", "5x") < 0 && strstr(err, "bad DELTA"));
	CHECK(PARSE(&c, "incr", "n", "99999999999999999999") < 0);
	CHECK(PARSE(&c, "cas", "k", "old", "new") == 0 && c.cmd == CLI_CAS &&
	      !strcmp(c.old, "old") && !strcmp(c.value, "new"));
	CHECK(PARSE(&c, "cas", "k", "old") < 0);
	CHECK(PARSE(&c, "list") == 0 && c.cmd == CLI_LIST && !strcmp(c.prefix, ""));
	CHECK(PARSE(&c, "list", "pre") == 0 && !strcmp(c.prefix, "pre"));
	CHECK(PARSE(&c, "stats") == 0 && c.cmd == CLI_STATS && !c.json);
	CHECK(PARSE(&c, "stats", "--json") == 0 && c.json);
	CHECK(PARSE(&c, "get", "--json", "k") < 0);
	CHECK(PARSE(&c, "--help") == 0 && c.cmd == CLI_HELP);
	CHECK(PARSE(&c, "help") == 0 && c.cmd == CLI_HELP);
	CHECK(PARSE(&c, "--version") == 0 && c.cmd == CLI_VERSION);
	CHECK(PARSE(&c, "--bogus", "get", "k") < 0 && strstr(err, "unknown option"));
	CHECK(PARSE(&c, "frob") < 0 && strstr(err, "unknown command"));
	CHECK(smap_cli_parse(1, ARGV("x"), &c, err, sizeof(err)) < 0 && strstr(err, "no command"));
	CHECK(smap_cli_op(CLI_INCR) == SMAP_OP_INCR);

	/* stats output */
	struct smap_stats st = { .keys = 2, .bytes = 10, .read_only = 1,
				 .user_bytes = 96, .user_max_bytes = 4096 };
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	st.ops[SMAP_OP_GET] = 5;
	smap_cli_print_stats(f, &st, true);
	fclose(f);
	CHECK(out && strstr(out, "\"keys\": 2") && strstr(out, "\"read_only\": 1") &&
	      strstr(out, "\"get\": 5") && out[0] == '{' && out[len - 2] == '}');
	free(out);
	f = open_memstream(&out, &len);
	smap_cli_print_stats(f, &st, false);
	fclose(f);
	CHECK(out && strstr(out, "keys             2\n") && strstr(out, "ops_get"));
	CHECK(out && strstr(out, "user_bytes       96\n") &&
	      strstr(out, "user_max_bytes   4096\n") && strstr(out, "data_bytes       0\n"));
	free(out);
}

#define LINE(l, s) smap_cli_batch_line((s), strlen(s), (l), err, sizeof(err))

static bool is(const char *p, size_t n, const char *want)
{
	return n == strlen(want) && !memcmp(p, want, n);
}

static void test_batch_lines(void)
{
	struct smap_cli_line l;
	struct smap_cli c;

	CHECK(PARSE(&c, "batch") == 0 && c.cmd == CLI_BATCH && !c.file);
	CHECK(PARSE(&c, "batch", "--mode", "600", "ops.txt") == 0 &&
	      c.mode == 0600 && !strcmp(c.file, "ops.txt"));
	CHECK(PARSE(&c, "batch", "a", "b") < 0 && strstr(err, "too many"));

	CHECK(LINE(&l, "") == 0 && l.op == -1);
	CHECK(LINE(&l, "  \t ") == 0 && l.op == -1);
	CHECK(LINE(&l, "# set a b") == 0 && l.op == -1);
	CHECK(LINE(&l, "  #x") == 0 && l.op == -1);
	CHECK(LINE(&l, "set k v") == 0 && l.op == SMAP_OP_SET &&
	      is(l.key, l.klen, "k") && is(l.value, l.vlen, "v"));
	/* the value: everything after the one blank that follows KEY */
	CHECK(LINE(&l, "  set\tkey  two words ") == 0 && is(l.key, l.klen, "key") &&
	      is(l.value, l.vlen, " two words "));
	CHECK(LINE(&l, "set k ") == 0 && l.vlen == 0);
	CHECK(LINE(&l, "set k") < 0 && strstr(err, "missing VALUE"));
	CHECK(LINE(&l, "set") < 0 && strstr(err, "missing KEY"));
	CHECK(LINE(&l, "del k") == 0 && l.op == SMAP_OP_DEL && is(l.key, l.klen, "k"));
	CHECK(LINE(&l, "del k  ") == 0 && l.op == SMAP_OP_DEL);
	CHECK(LINE(&l, "del k x") < 0 && !strcmp(err, "del: too many words"));
	CHECK(LINE(&l, "incr n") == 0 && l.op == SMAP_OP_INCR && l.delta == 1);
	CHECK(LINE(&l, "incr n -7") == 0 && l.delta == -7);
	CHECK(LINE(&l, "incr n 7x") < 0 && strstr(err, "bad DELTA '7x'"));
	CHECK(LINE(&l, "incr n 99999999999999999999999999999999999") < 0 &&
	      strstr(err, "bad DELTA"));
	CHECK(LINE(&l, "incr n 1 2") < 0 && strstr(err, "too many"));
	CHECK(LINE(&l, "sett k v") < 0 &&
	      !strcmp(err, "unknown command 'sett' (set, del or incr)"));
	CHECK(LINE(&l, "get k") < 0 && strstr(err, "unknown command 'get'"));
	/* not NUL-terminated: only len bytes count */
	CHECK(smap_cli_batch_line("del kXYZ", 5, &l, err, sizeof(err)) == 0 &&
	      is(l.key, l.klen, "k"));
}

static void test_handle_errors(void)
{
	/* with no module loaded (the host) or not: bad flags are EINVAL */
	CHECK(smap_open(4) == NULL && errno == EINVAL);
	struct smap_limits lim;
	CHECK(smap_limits(NULL, &lim) < 0 && errno == EINVAL);

	/* backup: ioctl only; flags 0; info at least its first version */
	struct smap nl = { .transport = SMAP_TRANSPORT_NETLINK, .fd = -1 };
	struct smap io = { .transport = SMAP_TRANSPORT_IOCTL, .fd = -1 };
	struct smap_backup_info bi;
	CHECK(smap_backup(NULL, 1, 0, NULL, 0) < 0 && errno == EINVAL);
	CHECK(smap_backup(&nl, 1, 0, &bi, sizeof(bi)) < 0 && errno == EOPNOTSUPP);
	CHECK(smap_backup(&io, 1, 1, NULL, 0) < 0 && errno == EINVAL);
	CHECK(smap_backup(&io, -1, 0, NULL, 0) < 0 && errno == EINVAL);
	CHECK(smap_backup(&io, 1, 0, &bi, SMAP_BACKUP_INFO_SIZE_V1 - 1) < 0 &&
	      errno == EINVAL);
	/* a good call reaches the ioctl (here on no descriptor) */
	CHECK(smap_backup(&io, 1, 0, &bi, sizeof(bi)) < 0 && errno == EBADF);
}

/* size-versioned input structs, the owner in a batch entry, versions */
static void test_abi(void)
{
	struct smap_batch_builder *b = smap_batch_new();
	struct {
		struct smap_set_opts o;
		uint32_t newer;	/* a field of a later version */
	} x = { { sizeof(x), 0600, SMAP_SET_OWNER | SMAP_SET_MODE, 1000, 1001 }, 0 };
	const struct smap_batch_op *op;
	size_t len;

	CHECK(!strcmp(smap_lib_version(), SMAP_LIB_VERSION));
	CHECK(smap_batch_set_ex(b, "k", 1, "v", 1, &x.o) == 0);
	op = smap_batch_data(b, &len);
	CHECK(op->flags == (SMAP_F_OWNER | SMAP_F_MODE) && op->mode == 0600);
	CHECK(op->arg == (int64_t)(1000 | (uint64_t)1001 << 32));
	x.newer = 1;
	CHECK(smap_batch_set_ex(b, "k", 1, "v", 1, &x.o) < 0 && errno == E2BIG);
	x.o.size = SMAP_SET_OPTS_SIZE_V1 - 1;
	CHECK(smap_batch_set_ex(b, "k", 1, "v", 1, &x.o) < 0 && errno == EINVAL);
	x.o = (struct smap_set_opts){ .size = sizeof(x.o), .mode = 0,
				      .flags = SMAP_SET_MODE };
	CHECK(smap_batch_set_ex(b, "k", 1, "v", 1, &x.o) == 0);
	op = (const void *)((const char *)smap_batch_data(b, &len) + 40);
	CHECK(op->flags == SMAP_F_MODE && op->mode == 0);	/* mode 0000 */
	CHECK(smap_batch_count(b) == 2);
	/* the old calls take no owner */
	CHECK(smap_batch_set_flags(b, "k", 1, "v", 1, 0, SMAP_SET_OWNER) < 0 &&
	      errno == EINVAL);
	CHECK(smap_set_flags(NULL, "k", 1, "v", 1, 0, SMAP_SET_OWNER, NULL) < 0 &&
	      errno == EINVAL);
	x.o = (struct smap_set_opts){ .size = sizeof(x.o), .flags = 1U << 20 };
	CHECK(smap_batch_set_ex(b, "k", 1, "v", 1, &x.o) < 0 && errno == EINVAL);
	smap_batch_free(b);
}

int main(void)
{
	test_mode();
	test_i64();
	test_errmsg();
	test_list_records();
	test_batch();
	test_netlink();
	test_cli();
	test_batch_lines();
	test_handle_errors();
	test_abi();
	printf("%d checks, %d failed\n", checks, fails);
	return fails ? 1 : 0;
}
