"""Results keep the figures every evaluation gives, and the ranks, in columns of their own.

The JSON ``indicators`` becomes ``other_indicators`` (results stored before keep every figure
there, and ``EvaluationResult.indicators`` still reads them); ranks move out of their JSON.
"""

from django.db import migrations, models

import landcycle.evaluation.models

RANKS = ("rank_jurisdiction", "rank_industry", "industry")


def ranks_to_columns(apps, schema_editor):
    table = apps.get_model("evaluation", "EvaluationResult")._meta.db_table
    q = schema_editor.quote_name
    if schema_editor.connection.vendor == "postgresql":
        read = {
            "rank_jurisdiction": "CAST(ranks ->> 'rank_jurisdiction' AS INTEGER)",
            "rank_industry": "CAST(ranks ->> 'rank_industry' AS INTEGER)",
            "industry": "COALESCE(ranks ->> 'industry', '')",
        }
    else:
        read = {
            "rank_jurisdiction": "json_extract(ranks, '$.rank_jurisdiction')",
            "rank_industry": "json_extract(ranks, '$.rank_industry')",
            "industry": "COALESCE(json_extract(ranks, '$.industry'), '')",
        }
    sets = ", ".join(f"{q(name)} = {expr}" for name, expr in read.items())
    schema_editor.execute(f"UPDATE {q(table)} SET {sets}")


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0006_run_policy_source"),
    ]

    operations = [
        migrations.RenameField("evaluationresult", "indicators", "other_indicators"),
        migrations.AlterField(
            model_name="evaluationresult",
            name="other_indicators",
            field=landcycle.evaluation.models.WrittenJSONField(
                blank=True, default=dict, verbose_name="其他指标"
            ),
        ),
        *[
            migrations.AddField(
                model_name="evaluationresult",
                name=name,
                field=models.FloatField(blank=True, null=True, verbose_name=label),
            )
            for name, label in (
                ("area_m2", "面积 (m²)"),
                ("output_10k_cny_per_ha", "地均产值 (万元/公顷)"),
                ("revenue_10k_cny_per_ha", "地均营业收入 (万元/公顷)"),
                ("tax_10k_cny_per_ha", "地均税收 (万元/公顷)"),
                ("value_added_10k_cny_per_ha", "地均增加值 (万元/公顷)"),
                ("rd_expense_10k_cny_per_ha", "地均研发经费 (万元/公顷)"),
                ("investment_10k_cny_per_ha", "地均投资 (万元/公顷)"),
                ("output_10k_cny", "产值 (万元)"),
                ("tax_10k_cny", "税收 (万元)"),
            )
        ],
        migrations.AddField(
            model_name="evaluationresult",
            name="rank_jurisdiction",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="街道内排名"),
        ),
        migrations.AddField(
            model_name="evaluationresult",
            name="rank_industry",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="行业内排名"),
        ),
        migrations.AddField(
            model_name="evaluationresult",
            name="industry",
            field=models.CharField(blank=True, default="", max_length=20, verbose_name="行业"),
            preserve_default=False,
        ),
        migrations.RunPython(ranks_to_columns, migrations.RunPython.noop),
        migrations.RemoveField(model_name="evaluationresult", name="ranks"),
    ]
