from django.apps import AppConfig


class GoodPracticeConfig(AppConfig):
    name = "assure.goodpractice"
    label = "goodpractice"
    verbose_name = "Good practice library"
