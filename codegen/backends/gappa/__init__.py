"""The Gappa backend: the printed C pieces as Gappa scripts, and the fp.* claims they prove."""
