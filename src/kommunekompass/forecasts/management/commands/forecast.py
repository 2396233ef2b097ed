"""`kommunekompass forecast MUNICIPALITY_NUMBER --start YEAR --years N`: the forecast table."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kommunekompass.evaluations.models import Municipality
from kommunekompass.forecasts import exports
from kommunekompass.forecasts.building import (
    DEFAULT_ALTERNATIVE,
    ForecastUnavailable,
    alternatives_for,
    build_forecast,
)


class Command(BaseCommand):
    help = (
        "The demographic expenditure forecast of a municipality (change in need per service "
        "area, 1000 kroner): printed as a table, or written as CSV or .xlsx with -o."
    )

    def add_arguments(self, parser):
        parser.add_argument("number", metavar="MUNICIPALITY_NUMBER")
        parser.add_argument("--start", type=int, required=True, metavar="YEAR")
        parser.add_argument("--years", type=int, default=10, metavar="N")
        parser.add_argument("--alternative", metavar="X", help="e.g. MMMM (the default)")
        parser.add_argument("--country", choices=["NO", "SE"], help="when the number is in both")
        parser.add_argument("--format", choices=["csv", "xlsx"], dest="file_format")
        parser.add_argument("-o", "--output", metavar="FILE")

    def handle(self, *args, number, start, years, alternative, country, file_format, output, **o):
        municipalities = Municipality.objects.filter(number=number)
        if country:
            municipalities = municipalities.filter(country=country)
        found = list(municipalities[:2])
        if not found:
            raise CommandError(
                _("There is no municipality number %(number)s.") % {"number": number}
            )
        if len(found) > 1:
            raise CommandError(
                _("%(number)s is a municipality of both countries: give --country.")
                % {"number": number}
            )
        municipality = found[0]
        if not 1 <= years <= 50:
            raise CommandError(_("--years: give between 1 and 50."))
        if alternative is None:
            known = alternatives_for(municipality)
            alternative = (
                DEFAULT_ALTERNATIVE if DEFAULT_ALTERNATIVE in known or not known else known[0]
            )
        try:
            result = build_forecast(municipality, alternative=alternative, start=start, years=years)
        except ForecastUnavailable as error:
            raise CommandError(str(error), returncode=1) from None
        if file_format is None and output:
            file_format = "xlsx" if output.endswith(".xlsx") else "csv"
        if output:
            if file_format == "xlsx":
                Path(output).write_bytes(exports.render_xlsx(result))
            else:
                Path(output).write_text(exports.render_csv(result), encoding="utf-8")
            self.stdout.write(_("Written to %(file)s.") % {"file": output})
            return
        if file_format == "xlsx":
            raise CommandError(_("--format xlsx needs -o FILE."))
        if file_format == "csv":
            self.stdout.write(exports.render_csv(result), ending="")
        else:
            self.stdout.write(exports.render_text(result), ending="")
