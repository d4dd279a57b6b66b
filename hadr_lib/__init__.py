"""hadr-workbook: high availability and disaster recovery planning.

The public API is re-exported here; see the README for the shape of the code.
"""

__version__ = "0.1.0"

from .availability import (  # noqa: E402
    DAYS_PER_YEAR,
    PERIODS,
    Availability,
    AvailabilityArray,
    Downtime,
    InvalidInputError,
    Period,
    availability_for_downtime,
    check_availability,
    downtime,
    from_mtbf_mttr,
    k_of_n,
    nines,
    parallel,
    period_info,
    series,
    unavailability,
)
from .budget import (  # noqa: E402
    BUDGET_PERIODS,
    NINES_TIERS,
    TARGET_PRESETS,
    budget_summary,
    downtime_table,
    format_downtime_table,
    required_availability,
    seed_article_comparison,
    target_summary,
)
from .formatting import format_duration, format_percent  # noqa: E402
from .model import (  # noqa: E402
    Architecture,
    CommonCause,
    Component,
    Evaluation,
    KofN,
    Parallel,
    Series,
    Standby,
)
from .architecture_file import (  # noqa: E402
    architecture_schema,
    load_architecture,
    reference_architectures,
)
from .catalog import SLA_DISCLAIMER, cloud_slas, sla_availability  # noqa: E402
from .verdict import improvement_advice, target_verdict  # noqa: E402

__all__ = [
    "Architecture",
    "CommonCause",
    "Component",
    "Evaluation",
    "KofN",
    "Parallel",
    "SLA_DISCLAIMER",
    "Series",
    "Standby",
    "architecture_schema",
    "cloud_slas",
    "improvement_advice",
    "target_verdict",
    "load_architecture",
    "reference_architectures",
    "sla_availability",
    "BUDGET_PERIODS",
    "DAYS_PER_YEAR",
    "NINES_TIERS",
    "PERIODS",
    "TARGET_PRESETS",
    "Availability",
    "AvailabilityArray",
    "Downtime",
    "InvalidInputError",
    "Period",
    "__version__",
    "availability_for_downtime",
    "budget_summary",
    "check_availability",
    "downtime",
    "downtime_table",
    "format_downtime_table",
    "format_duration",
    "format_percent",
    "from_mtbf_mttr",
    "k_of_n",
    "nines",
    "parallel",
    "period_info",
    "required_availability",
    "seed_article_comparison",
    "series",
    "target_summary",
    "unavailability",
]
