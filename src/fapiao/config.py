"""Every setting of fapiao in one place: environment variables ``FAPIAO_*`` plus ``DATABASE_URL``.

Each setting has a safe default.  ``docs/settings.md`` is the table of this registry; a test keeps
the two in step.  The core never reads this module: interfaces read it and pass values down.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs


@dataclass(frozen=True, slots=True)
class Setting:
    """One environment variable with its default and its meaning (Chinese / English)."""

    name: str
    default: str
    description: str
    description_en: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "FAPIAO_DATA_DIR",
        "(platformdirs user data dir)/fapiao",
        "全部状态所在目录：SQLite 数据库、原始文件、密钥文件、备份",
        "Directory that holds all state: SQLite database, originals, key file, backups",
    ),
    Setting(
        "DATABASE_URL",
        "sqlite:///$FAPIAO_DATA_DIR/fapiao.sqlite3",
        "数据库地址；PostgreSQL 例如 postgres://user@host:5432/db",
        "Database URL; for PostgreSQL e.g. postgres://user@host:5432/db",
    ),
    Setting(
        "FAPIAO_SAMPLES_DIR",
        "../shared/samples (relative to the checkout)",
        "测试用真实样例文件目录（只读）",
        "Directory of real sample files used by tests (read only)",
    ),
    Setting(
        "FAPIAO_SECRET_KEY",
        "generated once into $FAPIAO_DATA_DIR/secret.key",
        "Django 会话签名密钥",
        "Django signing key for sessions",
    ),
    Setting(
        "FAPIAO_DEBUG", "0", "调试模式（生产环境必须为 0）", "Debug mode (must be 0 in production)"
    ),
    Setting(
        "FAPIAO_ALLOWED_HOSTS",
        "127.0.0.1,localhost",
        "允许的主机名，逗号分隔",
        "Allowed host names, comma separated",
    ),
    Setting(
        "FAPIAO_TIME_ZONE", "Asia/Shanghai", "业务日期所用时区", "Time zone for business dates"
    ),
    Setting(
        "FAPIAO_SYNC_DAYS",
        "3",
        "对账时视为“税务系统尚未同步”的天数",
        "Days within which a missing invoice counts as not yet synced by the tax system",
    ),
    Setting(
        "FAPIAO_MAX_UPLOAD_MB",
        "50",
        "单个上传文件的大小上限（MB）",
        "Maximum size of one uploaded file (MB)",
    ),
    Setting(
        "FAPIAO_MAX_UPLOAD_FILES",
        "100",
        "一次上传请求最多的文件数（一个 ZIP 算一个）",
        "Maximum number of files in one upload request (a ZIP counts as one)",
    ),
    Setting(
        "FAPIAO_UPLOAD_TYPES",
        "xml,ofd,pdf,image,zip,xlsx,xls,csv",
        "允许上传的文件类型，按内容识别（不看文件名），逗号分隔",
        "File types accepted for upload, judged by content (not by name), comma separated",
    ),
    Setting(
        "FAPIAO_AUDIT_HEAD_FILE",
        "$FAPIAO_DATA_DIR/audit-heads.log",
        "审计链头文件（只追加）：每条链最新的序号和哈希，存于数据库之外，用于发现整表重写或截断",
        "Append-only file of audit chain heads (latest seq and hash of each chain), kept "
        "outside the database to catch a rewritten or truncated event table",
    ),
    Setting(
        "FAPIAO_HTTPS",
        "0",
        "经 HTTPS 反向代理提供服务（代理须设置 X-Forwarded-Proto）：安全 Cookie、HSTS、"
        "HTTP 跳转 HTTPS（生产环境应为 1）",
        "Served over HTTPS by a reverse proxy that sets X-Forwarded-Proto: secure cookies, HSTS, "
        "redirect HTTP to HTTPS (1 in production)",
    ),
    Setting(
        "FAPIAO_TASKS_BACKEND",
        "database",
        "后台任务后端：database（由 worker 执行）或 immediate（当场执行，测试用）",
        "Background task backend: database (run by the worker) or immediate (inline, for tests)",
    ),
    Setting(
        "FAPIAO_EMAIL_BACKEND",
        "console",
        "邮件后端：console、smtp、locmem，或 Django 邮件后端的完整路径",
        "E-mail backend: console, smtp, locmem, or the dotted path of a Django e-mail backend",
    ),
    Setting(
        "FAPIAO_EMAIL_FROM",
        "fapiao@localhost",
        "系统邮件的发件人地址",
        "Sender address of system e-mail",
    ),
    Setting(
        "FAPIAO_REQUIRE_2FA_ROLES",
        "admin,reviewer",
        "必须启用两步验证（TOTP）的角色，逗号分隔",
        "Roles that must use two-factor authentication (TOTP), comma separated",
    ),
    Setting(
        "FAPIAO_LOCKOUT_FAILURES",
        "5",
        "连续登录失败多少次后锁定",
        "Failed logins in a row after which the login is locked",
    ),
    Setting(
        "FAPIAO_LOCKOUT_MINUTES",
        "15",
        "登录锁定的冷却时间（分钟）",
        "Cool-off time of a login lock-out (minutes)",
    ),
    Setting(
        "FAPIAO_SESSION_IDLE_MINUTES",
        "120",
        "会话闲置多久（分钟）后须重新登录",
        "Minutes a session may sit idle before the user must log in again",
    ),
    Setting(
        "FAPIAO_SESSION_MAX_HOURS",
        "12",
        "会话最长有效时间（小时），无论是否活跃",
        "Hours a session lives at most, however active",
    ),
    Setting(
        "FAPIAO_REAUTH_MINUTES",
        "10",
        "敏感操作（角色变更、完整导出、两步验证设置）前再次验证身份的有效时间（分钟）",
        "Minutes a re-authentication counts for sensitive actions "
        "(role changes, full exports, 2FA settings)",
    ),
    Setting(
        "FAPIAO_ADMIN_USERNAME",
        "admin",
        "首次启动（make run / fapiao createadmin）创建的管理员用户名",
        "User name of the administrator created on first start (make run / fapiao createadmin)",
    ),
    Setting(
        "FAPIAO_ADMIN_EMAIL",
        "admin@localhost",
        "首个管理员的电子邮件",
        "E-mail address of the first administrator",
    ),
    Setting(
        "FAPIAO_ADMIN_PASSWORD",
        "(generated and printed once)",
        "首个管理员的密码；不设置则随机生成并只显示一次",
        "Password of the first administrator; generated and printed once when unset",
    ),
    Setting(
        "FAPIAO_COMPANY_NAME",
        "示例公司",
        "首次启动时创建的第一家公司名称",
        "Name of the first company, created on first start",
    ),
    Setting(
        "FAPIAO_COMPANY_TAX_ID",
        "91110108MA01ABCD0B",
        "第一家公司的纳税人识别号",
        "Tax ID (纳税人识别号) of the first company",
    ),
    Setting(
        "FAPIAO_MASTER_KEY",
        "(unset: the key file is used)",
        "主密钥：32 字节的 base64，或“编号:base64,编号:base64”（最后一个用于新的封装）；"
        "不存入数据库和备份",
        "Master key: base64 of 32 bytes, or 'id:base64,id:base64' (the last one wraps new data "
        "keys); never stored in the database or in backups",
    ),
    Setting(
        "FAPIAO_MASTER_KEY_FILE",
        "$FAPIAO_DATA_DIR/master.key",
        "主密钥文件（权限 0600）；数据库为空时自动创建，须与数据库分开备份",
        "Master key file (mode 0600); created when the database is empty; back it up apart "
        "from the database",
    ),
    Setting(
        "FAPIAO_RETENTION_YEARS",
        "30",
        "注销公司的记录保留年限（会计档案保管期限）",
        "Years the records of a deleted company are kept (retention of accounting records)",
    ),
    Setting(
        "FAPIAO_HOST",
        "127.0.0.1",
        "网页服务监听的地址（make run / fapiao serve）",
        "Address the web server listens on (make run / fapiao serve)",
    ),
    Setting(
        "FAPIAO_PORT",
        "8000",
        "网页服务监听的端口",
        "Port the web server listens on",
    ),
    Setting(
        "FAPIAO_METRICS_TOKEN",
        "(unset: /metrics answers only direct requests from this machine)",
        "访问 /metrics 所需的令牌（请求头 Authorization: Bearer <令牌>）",
        "Token required by /metrics (header Authorization: Bearer <token>)",
    ),
    Setting(
        "FAPIAO_STORAGE",
        "filesystem",
        "原始文件存储：filesystem（$FAPIAO_DATA_DIR/files，可为 NFS 共享目录）或 s3",
        "Where originals live: filesystem ($FAPIAO_DATA_DIR/files, may be an NFS share) or s3",
    ),
    Setting(
        "FAPIAO_S3_BUCKET",
        "(none)",
        "S3 存储桶（FAPIAO_STORAGE=s3 时必填）",
        "S3 bucket (required with FAPIAO_STORAGE=s3)",
    ),
    Setting(
        "FAPIAO_S3_ENDPOINT_URL",
        "(AWS)",
        "S3 兼容服务地址，例如 MinIO 的 https://minio.example:9000",
        "S3-compatible endpoint, e.g. MinIO's https://minio.example:9000",
    ),
    Setting("FAPIAO_S3_REGION", "(boto3 default)", "S3 区域", "S3 region"),
    Setting("FAPIAO_S3_PREFIX", "files", "存储桶内的路径前缀", "Key prefix inside the bucket"),
    Setting(
        "FAPIAO_S3_ACCESS_KEY_ID",
        "(boto3 credential chain)",
        "S3 访问密钥 ID（不设则用 boto3 的凭证链）",
        "S3 access key id (unset: boto3's credential chain)",
    ),
    Setting(
        "FAPIAO_S3_SECRET_ACCESS_KEY",
        "(boto3 credential chain)",
        "S3 访问密钥",
        "S3 secret access key",
    ),
    Setting(
        "FAPIAO_INTAKE_LEASE_SECONDS",
        "300",
        "解析租约：超过此秒数仍在“解析中”或“排队中”而无任务的文件被重新排队",
        "Parse lease: files parsing (or queued with no task) longer than this are re-enqueued",
    ),
    Setting(
        "FAPIAO_WEB_WORKERS",
        "2",
        "gunicorn 网页进程数（fapiao.web.gunicorn_conf）",
        "gunicorn web processes (fapiao.web.gunicorn_conf)",
    ),
    Setting(
        "FAPIAO_WEB_THREADS",
        "4",
        "每个 gunicorn 网页进程的线程数",
        "Threads per gunicorn web process",
    ),
    Setting(
        "FAPIAO_FAULT_CHECKPOINT",
        "(unset)",
        "仅供故障测试：name:count，第 count 次到达检查点 name 时进程以 SIGKILL 自杀",
        "Fault tests only: name:count kills the process (SIGKILL) the count-th time it reaches "
        "checkpoint name",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str) -> str | None:
    """The environment value of a registered setting, or None when unset."""
    if name not in _BY_NAME:
        raise KeyError(f"unknown setting {name}")
    value = os.environ.get(name)
    return value if value not in (None, "") else None


def data_dir() -> Path:
    """The data directory, created when missing."""
    value = get("FAPIAO_DATA_DIR")
    path = Path(value) if value else Path(platformdirs.user_data_dir("fapiao", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def samples_dir() -> Path:
    """Where the real sample files are (may not exist)."""
    value = get("FAPIAO_SAMPLES_DIR")
    if value:
        return Path(value)
    return Path(__file__).resolve().parents[2].parent / "shared" / "samples"


def int_setting(name: str, default: int) -> int:
    """An integer setting, with a clear error when it is not a number."""
    value = get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} 必须是整数 / must be an integer, got {value!r}") from None


def bool_setting(name: str, default: bool = False) -> bool:
    """A boolean setting: 1/true/yes/on are true."""
    value = get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def markdown_table() -> str:
    """The settings as the Markdown table kept in docs/settings.md."""
    rows = ["| 变量 Variable | 默认 Default | 说明 | Description |", "|---|---|---|---|"]
    rows += [
        f"| `{s.name}` | `{s.default}` | {s.description} | {s.description_en} |" for s in SETTINGS
    ]
    return "\n".join(rows) + "\n"
